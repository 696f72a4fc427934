package dev.faas.gateway.auth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * SigV4's canonical request, as AWS defines it for services other than S3 (what botocore and AWS's Java SDK sign):
 * the method; the request path as sent, with dot segments and empty segments removed, URI-encoded once more (so
 * {@code %3A} becomes {@code %253A}); the query's pairs decoded, encoded again and sorted; the signed headers
 * lower-cased, their values trimmed with inner runs of white space made one space, several values joined by commas;
 * the signed headers' names; the payload's hash.
 */
final class CanonicalRequest {
    private static final Pattern WHITE_SPACE = Pattern.compile("\\s+");

    private CanonicalRequest() {}

    static String of(SigV4Request request, List<String> signedHeaders, String payloadHash) {
        StringBuilder b = new StringBuilder();
        b.append(request.method().toUpperCase(Locale.ROOT)).append('\n');
        b.append(uri(request.rawPath())).append('\n');
        b.append(query(request.rawQuery())).append('\n');
        for (String name : signedHeaders) {
            b.append(name).append(':').append(value(request.headers().get(name))).append('\n');
        }
        b.append('\n');
        b.append(String.join(";", signedHeaders)).append('\n');
        b.append(payloadHash);
        return b.toString();
    }

    /** The path with dot and empty segments removed (as botocore does), then URI-encoded, '/' kept. */
    static String uri(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        List<String> out = new ArrayList<>();
        for (String segment : rawPath.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (!out.isEmpty()) {
                    out.remove(out.size() - 1);
                }
            } else {
                out.add(segment);
            }
        }
        String path = (rawPath.startsWith("/") ? "/" : "") + String.join("/", out)
                + (rawPath.endsWith("/") && !out.isEmpty() ? "/" : "");
        return encode(path.getBytes(StandardCharsets.UTF_8), true);
    }

    /** Each name=value decoded and encoded again, sorted by name and then value; a name without '=' has "". */
    static String query(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            pairs.add(new String[] {encode(decode(name), false), encode(decode(value), false)});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder b = new StringBuilder();
        for (String[] p : pairs) {
            if (!b.isEmpty()) {
                b.append('&');
            }
            b.append(p[0]).append('=').append(p[1]);
        }
        return b.toString();
    }

    private static String value(List<String> values) {
        if (values == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (String v : values) {
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(WHITE_SPACE.matcher(v.strip()).replaceAll(" "));
        }
        return b.toString();
    }

    /** AWS's URI encoding: unreserved characters as they are, every other byte %XX (upper case); '/' kept if asked. */
    static String encode(byte[] bytes, boolean keepSlash) {
        StringBuilder b = new StringBuilder(bytes.length + 16);
        for (byte x : bytes) {
            int c = x & 0xff;
            boolean unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~';
            if (unreserved || keepSlash && c == '/') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }

    /** %XX escapes to their bytes; anything else (a stray '%' too, and '+') as its own UTF-8 bytes. */
    static byte[] decode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length() && Character.digit(text.charAt(i + 1), 16) >= 0
                    && Character.digit(text.charAt(i + 2), 16) >= 0) {
                out.write(Character.digit(text.charAt(i + 1), 16) << 4 | Character.digit(text.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
                    utf8 = text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                out.writeBytes(utf8);
            }
        }
        return out.toByteArray();
    }
}
