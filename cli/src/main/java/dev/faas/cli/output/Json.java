package dev.faas.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;

/**
 * JSON in and out, through one mapper made on first use: a command that never touches JSON ({@code faas --help},
 * {@code new}) does not pay for Jackson's start. Only trees and maps: no binding of our classes by reflection.
 */
public final class Json {
    private Json() {
    }

    private static final class Holder {
        static final ObjectMapper MAPPER = new ObjectMapper();
        static final com.fasterxml.jackson.databind.ObjectWriter PRETTY =
                MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT);
    }

    /** @throws IOException when the text is not JSON */
    public static JsonNode parse(byte[] json) throws IOException {
        return Holder.MAPPER.readTree(json);
    }

    /** @throws IOException when the text is not JSON */
    public static JsonNode parse(String json) throws IOException {
        return Holder.MAPPER.readTree(json);
    }

    /** A JSON value (a map, a list, a tree, a string) on one line. */
    public static String compact(Object value) {
        try {
            return Holder.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not writable as JSON: " + e.getMessage(), e);
        }
    }

    /** A JSON value indented for people, still one document for scripts. */
    public static String pretty(Object value) {
        try {
            return Holder.PRETTY.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not writable as JSON: " + e.getMessage(), e);
        }
    }

    /** A text field of an object, or null when it is missing, null, or not text. */
    public static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
    }
}
