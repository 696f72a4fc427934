package dev.faas.watchdog.proxy;

import dev.faas.watchdog.http.HttpSyntax;
import java.io.IOException;

/** Start lines and header fields as they are read from a connection. */
final class Heads {
    private Heads() {}

    record Request(String method, String target, boolean http11, HeaderFields fields) {
        /** The path of the target, without its query. */
        String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }
    }

    record Response(int status, String reason, boolean http11, HeaderFields fields) {}

    /** The next request on a connection; null when the caller closed it between requests. */
    static Request request(HttpInput in) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                return null;
            }
        } while (line.isEmpty()); // a stray CRLF after a body is allowed before a request line (RFC 9112 §2.2)
        int sp1 = line.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 <= sp1 + 1 || line.length() != sp2 + 9 || !line.startsWith("HTTP/1.", sp2 + 1)
                || line.charAt(sp2 + 8) < '0' || line.charAt(sp2 + 8) > '9'
                || !HttpSyntax.isToken(line.substring(0, sp1)) || HttpSyntax.hasControl(line)) {
            throw in.failure("malformed request line: it must be METHOD SP target SP HTTP/1.x");
        }
        boolean http11 = line.charAt(sp2 + 8) != '0';
        String target = originForm(line.substring(sp1 + 1, sp2));
        return new Request(line.substring(0, sp1), target, http11, HeaderFields.read(in));
    }

    /**
     * A request target in absolute form ({@code http://host/path?q}, which a server must accept, RFC 9112 §3.2.2)
     * as the origin form the function's server expects, so it is also routed by its path.
     */
    private static String originForm(String target) {
        int scheme = target.startsWith("http://") ? 7 : target.startsWith("https://") ? 8 : -1;
        if (scheme < 0) {
            return target;
        }
        int slash = target.indexOf('/', scheme);
        int query = target.indexOf('?', scheme);
        if (slash < 0 || (query >= 0 && query < slash)) {
            return query < 0 ? "/" : "/" + target.substring(query);
        }
        return target.substring(slash);
    }

    /** The final response, past any interim (1xx) ones; null when the connection closed before any byte of it. */
    static Response response(HttpInput in) throws IOException {
        while (true) {
            String line = in.readLine();
            if (line == null) {
                return null;
            }
            if (line.length() < 12 || !line.startsWith("HTTP/1.") || line.charAt(8) != ' ') {
                throw new IOException("malformed status line from the function");
            }
            int status;
            try {
                status = Integer.parseInt(line.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new IOException("malformed status line from the function");
            }
            HeaderFields fields = HeaderFields.read(in);
            if (status >= 200 || status == 101) {
                String reason = line.length() > 13 ? line.substring(13) : "";
                return new Response(status, reason, line.charAt(7) == '1', fields);
            }
        }
    }
}
