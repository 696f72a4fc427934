package dev.faas.watchdog.lambda;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * lambda_event=http: a plain HTTP call as the event API Gateway's HTTP API sends (payload format 2.0), and the
 * function's answer back as API Gateway reads it: an object with a statusCode is a response to unwrap; anything
 * else is a 200 with the answer as its JSON body. Fields API Gateway leaves out when empty (cookies,
 * queryStringParameters, body) are left out here too.
 */
final class ApiGatewayEvent {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    /** Framing is the watchdog's to write, whatever the function says. */
    private static final Set<String> NOT_PASSED = Set.of("content-length", "transfer-encoding", "connection");
    private static final byte[] GATEWAY_ERROR = "{\"message\":\"Internal Server Error\"}"
            .getBytes(StandardCharsets.UTF_8);

    /** The answer to give the caller. */
    record Answer(int status, List<String[]> headers, byte[] body) {}

    private ApiGatewayEvent() {}

    /** The call as the HTTP API's payload 2.0. */
    static byte[] of(String method, String rawPath, String rawQuery, Map<String, List<String>> requestHeaders,
                     byte[] body, String requestId, String sourceIp, String protocol, long epochMillis) {
        Map<String, String> headers = new TreeMap<>();
        List<String> cookies = new ArrayList<>();
        for (Map.Entry<String, List<String>> h : requestHeaders.entrySet()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("cookie")) {
                for (String value : h.getValue()) {
                    for (String cookie : value.split(";")) {
                        if (!cookie.isBlank()) {
                            cookies.add(cookie.trim());
                        }
                    }
                }
            } else {
                headers.merge(name, String.join(",", h.getValue()), (a, b) -> a + "," + b);
            }
        }
        String query = rawQuery == null ? "" : rawQuery;
        String host = headers.getOrDefault("host", "localhost");
        String domain = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                : host.indexOf(':') >= 0 ? host.substring(0, host.indexOf(':')) : host;
        StringBuilder e = new StringBuilder(1024);
        e.append("{\"version\":\"2.0\",\"routeKey\":\"$default\",\"rawPath\":");
        Json.quote(e, rawPath);
        e.append(",\"rawQueryString\":");
        Json.quote(e, query);
        if (!cookies.isEmpty()) {
            e.append(",\"cookies\":[");
            for (int i = 0; i < cookies.size(); i++) {
                if (i > 0) {
                    e.append(',');
                }
                Json.quote(e, cookies.get(i));
            }
            e.append(']');
        }
        e.append(",\"headers\":");
        object(e, headers);
        Map<String, String> parameters = parameters(query);
        if (!parameters.isEmpty()) {
            e.append(",\"queryStringParameters\":");
            object(e, parameters);
        }
        e.append(",\"requestContext\":{\"accountId\":\"000000000000\",\"apiId\":\"faas\",\"domainName\":");
        Json.quote(e, domain);
        e.append(",\"domainPrefix\":");
        Json.quote(e, domain.indexOf('.') > 0 ? domain.substring(0, domain.indexOf('.')) : domain);
        e.append(",\"http\":{\"method\":");
        Json.quote(e, method);
        e.append(",\"path\":");
        Json.quote(e, rawPath);
        e.append(",\"protocol\":");
        Json.quote(e, protocol);
        e.append(",\"sourceIp\":");
        Json.quote(e, sourceIp);
        e.append(",\"userAgent\":");
        Json.quote(e, headers.getOrDefault("user-agent", ""));
        e.append("},\"requestId\":");
        Json.quote(e, requestId);
        e.append(",\"routeKey\":\"$default\",\"stage\":\"$default\",\"time\":");
        Json.quote(e, TIME.format(Instant.ofEpochMilli(epochMillis)));
        e.append(",\"timeEpoch\":").append(epochMillis).append('}');
        return withBody(e.toString().getBytes(StandardCharsets.UTF_8), body);
    }

    /**
     * The event: its head (every field before the body), the body as text when it is UTF-8 or else base64, and the
     * end, written into one array of the event's size (a body of max_body_size is 6 MB in a small heap).
     */
    private static byte[] withBody(byte[] head, byte[] body) {
        boolean text = isUtf8(body);
        byte[] field = body.length == 0 ? new byte[0] : ",\"body\":".getBytes(StandardCharsets.US_ASCII);
        byte[] end = (",\"isBase64Encoded\":" + (body.length > 0 && !text) + "}").getBytes(StandardCharsets.US_ASCII);
        long value = body.length == 0 ? 0 : text ? Json.quotedLength(body) : 2 + 4L * ((body.length + 2) / 3);
        long size = head.length + field.length + value + end.length;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the body is too large for an event");
        }
        byte[] event = new byte[(int) size];
        System.arraycopy(head, 0, event, 0, head.length);
        System.arraycopy(field, 0, event, head.length, field.length);
        int at = head.length + field.length;
        if (body.length > 0 && text) {
            at = Json.quote(body, event, at);
        } else if (body.length > 0) {
            event[at++] = '"';
            at += base64(body, event, at);
            event[at++] = '"';
        }
        System.arraycopy(end, 0, event, at, end.length);
        return event;
    }

    /** Writes {@code body} base64-encoded into {@code out} at {@code at}; returns the length written. */
    private static int base64(byte[] body, byte[] out, int at) {
        int[] position = {at};
        OutputStream into = new OutputStream() {
            @Override
            public void write(int b) {
                out[position[0]++] = (byte) b;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                System.arraycopy(b, off, out, position[0], len);
                position[0] += len;
            }
        };
        try (OutputStream encoder = Base64.getEncoder().wrap(into)) {
            encoder.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing into an array does not fail
        }
        return position[0] - at;
    }

    /** The function's answer as API Gateway turns it into an HTTP response. */
    @SuppressWarnings("unchecked")
    static Answer answer(byte[] answer) {
        Map<String, Object> object = Json.objectOrNull(new String(answer, StandardCharsets.UTF_8));
        if (object == null || !object.containsKey("statusCode")) {
            List<String[]> json = new ArrayList<>();
            json.add(new String[] {"Content-Type", "application/json"});
            return new Answer(200, json, answer);
        }
        try {
            int status = status(object.get("statusCode"));
            List<String[]> headers = new ArrayList<>();
            if (object.get("headers") instanceof Map<?, ?> single) {
                for (Map.Entry<?, ?> h : single.entrySet()) {
                    header(headers, String.valueOf(h.getKey()), h.getValue());
                }
            }
            if (object.get("multiValueHeaders") instanceof Map<?, ?> multi) {
                for (Map.Entry<?, ?> h : multi.entrySet()) {
                    if (h.getValue() instanceof List<?> values) {
                        for (Object v : values) {
                            header(headers, String.valueOf(h.getKey()), v);
                        }
                    }
                }
            }
            if (object.get("cookies") instanceof List<?> cookies) {
                for (Object c : cookies) {
                    header(headers, "Set-Cookie", c);
                }
            }
            Object rawBody = object.get("body");
            String text = rawBody == null || rawBody == Json.NULL ? ""
                    : rawBody instanceof String s ? s : Json.write(rawBody);
            byte[] body = Boolean.TRUE.equals(object.get("isBase64Encoded"))
                    ? Base64.getDecoder().decode(text) : text.getBytes(StandardCharsets.UTF_8);
            // 204 and 304 have no body in HTTP (the JDK would refuse to send one): what the function gave is dropped.
            return new Answer(status, headers, status == 204 || status == 304 ? new byte[0] : body);
        } catch (IllegalArgumentException e) {
            // What API Gateway answers for a malformed Lambda proxy response.
            List<String[]> json = new ArrayList<>();
            json.add(new String[] {"Content-Type", "application/json"});
            return new Answer(502, json, GATEWAY_ERROR);
        }
    }

    /** 200 to 599: an interim 1xx is no answer, and the JDK's server refuses to send one. */
    private static int status(Object code) {
        BigDecimal n = code instanceof BigDecimal b ? b
                : code instanceof String s && s.matches("[0-9]{3}") ? new BigDecimal(s) : null;
        if (n == null || n.scale() > 0 || n.compareTo(BigDecimal.valueOf(200)) < 0
                || n.compareTo(BigDecimal.valueOf(599)) > 0) {
            throw new IllegalArgumentException("statusCode must be a number from 200 to 599");
        }
        return n.intValueExact();
    }

    private static void header(List<String[]> headers, String name, Object value) {
        if (value == null || value == Json.NULL || NOT_PASSED.contains(name.toLowerCase(Locale.ROOT))) {
            return;
        }
        String text = value instanceof String s ? s : Json.write(value);
        if (name.isEmpty() || hasLineBreak(name) || hasLineBreak(text)) {
            throw new IllegalArgumentException("a header name or value with a line break");
        }
        headers.add(new String[] {name, text});
    }

    private static boolean hasLineBreak(String s) {
        return s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0;
    }

    /** name=value pairs, decoded; repeated names comma-joined, as API Gateway joins them. */
    private static Map<String, String> parameters(String query) {
        Map<String, String> out = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return out;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.merge(name, value, (a, b) -> a + "," + b);
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a stray '%': kept as it came
        }
    }

    private static void object(StringBuilder e, Map<String, String> map) {
        e.append('{');
        boolean first = true;
        for (Map.Entry<String, String> m : map.entrySet()) {
            if (!first) {
                e.append(',');
            }
            first = false;
            Json.quote(e, m.getKey());
            e.append(':');
            Json.quote(e, m.getValue());
        }
        e.append('}');
    }

    /** Whether the body is valid UTF-8 (sent as text; else base64), checked without decoding it whole. */
    private static boolean isUtf8(byte[] body) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        CharBuffer out = CharBuffer.allocate(Math.min(8192, body.length + 16));
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                return false;
            }
            out.clear();
            if (result.isUnderflow()) {
                return !decoder.flush(out).isError();
            }
        }
    }
}
