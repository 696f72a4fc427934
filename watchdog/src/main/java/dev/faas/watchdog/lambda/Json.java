package dev.faas.watchdog.lambda;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The little JSON lambda mode needs, without a library (the watchdog has no dependencies): strings quoted for the
 * objects it writes, the error objects it answers, and a strict reader ({@link JsonReader}) for the three things it
 * must look inside: a posted error (is it an object?), a client context (is it JSON?) and an API Gateway proxy answer
 * (statusCode, headers, body ...). Values read are {@code Map<String, Object>} (in order), {@code List<Object>},
 * {@code String}, {@code BigDecimal}, {@code Boolean} and {@link #NULL}.
 */
final class Json {
    /** JSON's null, so that a map can tell "null" from "absent". */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private Json() {}

    /** A malformed document; the message says where. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    static Object parse(String text) throws Malformed {
        return JsonReader.parse(text);
    }

    /** The document as an object, or null when it is not JSON or not an object. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> objectOrNull(String text) {
        try {
            Object v = parse(text);
            return v instanceof Map ? (Map<String, Object>) v : null;
        } catch (Malformed e) {
            return null;
        }
    }

    /** Lambda's error object, {"errorMessage":...,"errorType":...}, as UTF-8. */
    static byte[] error(String type, String message) {
        return object("errorMessage", message, "errorType", type);
    }

    /** A flat object of string members, in the order given (name, value, name, value ...), as UTF-8. */
    static byte[] object(String... namesAndValues) {
        StringBuilder out = new StringBuilder(64).append('{');
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (i > 0) {
                out.append(',');
            }
            quote(out, namesAndValues[i]);
            out.append(':');
            quote(out, namesAndValues[i + 1]);
        }
        return out.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code s} as a JSON string literal. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2);
        quote(out, s);
        return out.toString();
    }

    static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String escape = escape(c);
            if (escape != null) {
                out.append(escape);
            } else if (c < 0x20 || c == '\u2028' || c == '\u2029') { // the last two break JavaScript readers
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    /** The length of {@code utf8} (valid UTF-8) as a JSON string literal, quotes included. */
    static int quotedLength(byte[] utf8) {
        long n = 2;
        for (int i = 0; i < utf8.length; i++) {
            if (isLineSeparator(utf8, i)) {
                n += 6;
                i += 2;
            } else if (utf8[i] >= 0 && utf8[i] < 0x20 && escape((char) utf8[i]) == null) {
                n += 6;
            } else {
                n += utf8[i] >= 0 && escape((char) utf8[i]) != null ? 2 : 1;
            }
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too large to quote");
        }
        return (int) n;
    }

    /**
     * Writes {@code utf8} (valid UTF-8) as a JSON string literal into {@code out} at {@code at}: byte for byte what
     * {@link #quote(String)} of its text encodes to, without decoding it.
     *
     * @return the position after the closing quote
     */
    static int quote(byte[] utf8, byte[] out, int at) {
        out[at++] = '"';
        for (int i = 0; i < utf8.length; i++) {
            byte b = utf8[i];
            String escape = b >= 0 ? escape((char) b) : null;
            if (escape != null) {
                out[at++] = '\\';
                out[at++] = (byte) escape.charAt(1);
            } else if ((b >= 0 && b < 0x20) || isLineSeparator(utf8, i)) {
                int code = b >= 0 ? b : 0x2028 + (utf8[i + 2] & 1);
                i += b >= 0 ? 0 : 2;
                out[at++] = '\\';
                out[at++] = 'u';
                out[at++] = HEX[(code >> 12) & 15];
                out[at++] = HEX[(code >> 8) & 15];
                out[at++] = HEX[(code >> 4) & 15];
                out[at++] = HEX[code & 15];
            } else {
                out[at++] = b;
            }
        }
        out[at++] = '"';
        return at;
    }

    /** U+2028 or U+2029 (E2 80 A8/A9) starts at {@code i}: escaped, as they break JavaScript readers. */
    private static boolean isLineSeparator(byte[] utf8, int i) {
        return utf8[i] == (byte) 0xe2 && i + 2 < utf8.length && utf8[i + 1] == (byte) 0x80
                && (utf8[i + 2] == (byte) 0xa8 || utf8[i + 2] == (byte) 0xa9);
    }

    private static String escape(char c) {
        switch (c) {
            case '"': return "\\\"";
            case '\\': return "\\\\";
            case '\n': return "\\n";
            case '\r': return "\\r";
            case '\t': return "\\t";
            case '\b': return "\\b";
            case '\f': return "\\f";
            default: return null;
        }
    }

    /** A value read back as JSON text (used when a proxy answer's body is not a string). */
    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value) {
        if (value instanceof String s) {
            quote(out, s);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                quote(out, String.valueOf(e.getKey()));
                out.append(':');
                write(out, e.getValue());
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(out, list.get(i));
            }
            out.append(']');
        } else if (value instanceof BigDecimal n) {
            out.append(n.toString());
        } else {
            out.append(value == null ? "null" : value.toString()); // Boolean, NULL
        }
    }
}
