package dev.faas.gateway.lambda;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Lambda's checks of what an Invoke carries. The payload must be one JSON value (Lambda answers 400
 * InvalidRequestContentException otherwise); it is read as a stream, never held as a tree. An empty payload is
 * {@code {}}: what the function gets when the caller sent none (boto3 without Payload, awscli without --payload), as
 * runtimes parse the event as JSON and an empty one would fail in every runtime.
 */
final class Payloads {
    static final byte[] EMPTY = "{}".getBytes(StandardCharsets.US_ASCII);
    private static final JsonFactory FACTORY = new JsonFactory();
    /** Lambda's limit on ClientContext: 3583 bytes of base64. */
    static final int MAX_CLIENT_CONTEXT = 3583;

    private Payloads() {}

    /** The payload the function gets: the body as it is, or {@code {}} for an empty one. */
    static byte[] payload(byte[] body) throws LambdaError {
        if (body.length == 0) {
            return EMPTY;
        }
        try (JsonParser p = FACTORY.createParser(body)) {
            if (p.nextToken() == null) {
                throw LambdaError.invalidContent("Could not parse request body into json: the body is only white"
                        + " space");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw LambdaError.invalidContent("Could not parse request body into json: Could not parse payload into"
                        + " json: more than one JSON value (at " + where(p) + ")");
            }
            return body;
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage().lines().findFirst()
                    .orElse("unreadable");
            throw LambdaError.invalidContent("Could not parse request body into json: Could not parse payload into"
                    + " json: " + why + (e.getLocation() == null ? "" : " (at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw LambdaError.invalidContent("Could not parse request body into json: " + e.getMessage());
        }
    }

    private static String where(JsonParser p) {
        return "line " + p.currentLocation().getLineNr() + ", column " + p.currentLocation().getColumnNr();
    }

    /** {@code X-Amz-Client-Context}: base64 of a JSON object, at most 3583 characters. */
    static void checkClientContext(String header) throws LambdaError {
        if (header == null) {
            return;
        }
        String v = header.strip();
        if (v.length() > MAX_CLIENT_CONTEXT) {
            throw LambdaError.invalidParameter("Client context must be at most " + MAX_CLIENT_CONTEXT
                    + " bytes of base64.");
        }
        try {
            byte[] json = Base64.getDecoder().decode(v);
            try (JsonParser p = FACTORY.createParser(json)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new IOException("not an object");
                }
                p.skipChildren();
                if (p.nextToken() != null) {
                    throw new IOException("more than one value");
                }
            }
        } catch (IllegalArgumentException | IOException e) {
            throw LambdaError.invalidContent("Client context must be a valid Base64-encoded JSON object.");
        }
    }
}
