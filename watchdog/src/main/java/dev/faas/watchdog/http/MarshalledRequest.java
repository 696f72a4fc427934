package dev.faas.watchdog.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * marshal_request: the function's stdin is the request as JSON, in the classic watchdog's shape:
 * {@code {"header":{"header":{"Name":["value"]}},"body":{"raw":"<base64>"}}}.
 */
public final class MarshalledRequest {
    private MarshalledRequest() {}

    public static byte[] json(Map<String, List<String>> headers, byte[] body) {
        StringBuilder json = new StringBuilder(64 + body.length * 4 / 3);
        json.append("{\"header\":{\"header\":{");
        boolean firstHeader = true;
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (!firstHeader) {
                json.append(',');
            }
            firstHeader = false;
            string(json, CgiEnvironment.canonicalName(header.getKey())).append(":[");
            List<String> values = header.getValue();
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    json.append(',');
                }
                string(json, values.get(i));
            }
            json.append(']');
        }
        json.append("}},\"body\":{\"raw\":\"").append(Base64.getEncoder().encodeToString(body)).append("\"}}");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static StringBuilder string(StringBuilder json, String s) {
        json.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"');
    }
}
