package dev.faas.watchdog.proxy;

import dev.faas.watchdog.http.HttpSyntax;
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
            if (fields.names.size() == MAX_FIELDS) {
                throw in.failure("more than " + MAX_FIELDS + " header fields");
            }
            int colon = field(line, in);
            fields.names.add(line.substring(0, colon));
            fields.values.add(strip(line.substring(colon + 1)));
        }
    }

    /** Reads and checks the trailer section after a last chunk; its fields are dropped, not forwarded. */
    static void readTrailer(HttpInput in) throws IOException {
        for (int count = 0; ; count++) {
            String line = in.readLine();
            if (line == null) {
                throw in.failure("the connection ended inside a chunked body's trailer");
            }
            if (line.isEmpty()) {
                return;
            }
            if (count == MAX_FIELDS) {
                throw in.failure("more than " + MAX_FIELDS + " trailer fields");
            }
            field(line, in);
        }
    }

    /**
     * Checks one field line (RFC 9112 §5): a token name right before the colon (no space: §5.1 makes that a 400),
     * a value without control characters, and no obs-fold (a line starting with whitespace continues the previous
     * one in old senders; §5.2 lets a server refuse it). @return the colon's index
     */
    private static int field(String line, HttpInput in) throws IOException {
        char first = line.charAt(0);
        if (first == ' ' || first == '\t') {
            throw in.failure("malformed header: a line folded onto the previous one (obs-fold) is not accepted");
        }
        int colon = line.indexOf(':');
        if (colon < 0) {
            throw in.failure("malformed header: no colon in a header line");
        }
        if (!HttpSyntax.isToken(line.substring(0, colon))) {
            throw in.failure(colon == 0 ? "malformed header: an empty header name"
                    : "malformed header: a header name may hold only letters, digits and !#$%&'*+-.^_`|~"
                    + " (no space before the colon)");
        }
        if (HttpSyntax.hasControl(line)) {
            throw in.failure("malformed header: a control character (such as NUL) in the value of "
                    + line.substring(0, colon));
        }
        return colon;
    }

    /** Optional whitespace (SP, HTAB) around a value is not part of it. */
    private static String strip(String value) {
        int from = 0;
        int to = value.length();
        while (from < to && (value.charAt(from) == ' ' || value.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (value.charAt(to - 1) == ' ' || value.charAt(to - 1) == '\t')) {
            to--;
        }
        return value.substring(from, to);
    }

    /** Every value of a field, in order (a field may be sent on several lines). */
    List<String> all(String name) {
        List<String> found = new ArrayList<>(1);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                found.add(values.get(i));
            }
        }
        return found;
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
