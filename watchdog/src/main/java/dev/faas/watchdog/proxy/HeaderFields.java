package dev.faas.watchdog.proxy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The header fields of one message, in order, names as received. */
final class HeaderFields {
    private static final int MAX_FIELDS = 200;
    /** Fields that describe one connection, never forwarded; the framing fields are written anew for each hop. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "trailer", "transfer-encoding", "upgrade", "content-length", "expect", "proxy-authenticate",
            "proxy-authorization");

    private final List<String> names = new ArrayList<>(12);
    private final List<String> values = new ArrayList<>(12);

    /** Reads fields up to the empty line that ends a head. */
    static HeaderFields read(HttpInput in) throws IOException {
        HeaderFields fields = new HeaderFields();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw in.failure("the connection ended inside the header fields");
            }
            if (line.isEmpty()) {
                return fields;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(colon - 1) == ' ' || fields.names.size() == MAX_FIELDS) {
                throw in.failure("malformed or too many header fields");
            }
            fields.names.add(line.substring(0, colon));
            fields.values.add(line.substring(colon + 1).trim());
        }
    }

    /** The first value of a field, or null. */
    String get(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return values.get(i);
            }
        }
        return null;
    }

    /** Whether any value of a comma-separated field holds the token (e.g. Connection: close). */
    boolean hasToken(String name, String token) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                for (String part : values.get(i).split(",")) {
                    if (part.trim().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Writes every end-to-end field ("Name: value" CRLF), leaving out hop-by-hop ones and those Connection names. */
    void writeEndToEnd(OutputStream out) throws IOException {
        String connection = get("Connection");
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String lower = name.toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(lower) || (connection != null && namedBy(connection, lower))) {
                continue;
            }
            write(out, name, values.get(i));
        }
    }

    static void write(OutputStream out, String name, String value) throws IOException {
        out.write(name.getBytes(StandardCharsets.ISO_8859_1));
        out.write(':');
        out.write(' ');
        out.write(value.getBytes(StandardCharsets.ISO_8859_1));
        out.write('\r');
        out.write('\n');
    }

    private static boolean namedBy(String connection, String lowerName) {
        if (connection.indexOf(',') < 0) {
            return connection.trim().equalsIgnoreCase(lowerName);
        }
        for (String part : connection.split(",")) {
            if (part.trim().equalsIgnoreCase(lowerName)) {
                return true;
            }
        }
        return false;
    }
}
