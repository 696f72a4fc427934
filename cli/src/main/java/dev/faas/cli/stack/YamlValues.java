package dev.faas.cli.stack;

import dev.faas.cli.CliFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the shapes of a parsed YAML file (maps, lists, scalars) as strings, with messages that name the key.
 * YAML types scalars ({@code scale.min: 1}, {@code debug: true}); the platform wants them as text, as faas-cli does.
 */
final class YamlValues {
    private final String file;

    YamlValues(String file) {
        this.file = file;
    }

    String string(Object value, String key) {
        if (value == null) {
            return null;
        }
        if (value instanceof Map || value instanceof List) {
            throw CliFailure.usage(file + ": " + key + " must be a single value, not a " + kind(value));
        }
        return String.valueOf(value);
    }

    boolean bool(Object value, String key) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw CliFailure.usage(file + ": " + key + " must be true or false, not " + value);
    }

    /** A map of strings; a missing key is an empty map, a null value an empty string ({@code KEY:} alone). */
    Map<String, String> stringMap(Object value, String key) {
        if (value == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map(value, key).entrySet()) {
            String k = String.valueOf(e.getKey());
            out.put(k, e.getValue() == null ? "" : string(e.getValue(), key + "." + k));
        }
        return out;
    }

    /** A list of strings; one value alone is taken as a list of one. */
    List<String> stringList(Object value, String key) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            return List.of(string(value, key));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            out.add(string(list.get(i), key + "[" + i + "]"));
        }
        return out;
    }

    Map<?, ?> map(Object value, String key) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> m)) {
            throw CliFailure.usage(file + ": " + key + " must be a map of keys and values, not a " + kind(value));
        }
        return m;
    }

    private static String kind(Object value) {
        return value instanceof Map ? "map" : value instanceof List ? "list" : "single value (" + value + ")";
    }
}
