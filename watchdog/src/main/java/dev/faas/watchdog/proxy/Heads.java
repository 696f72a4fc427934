package dev.faas.watchdog.proxy;

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
        int sp2 = line.lastIndexOf(' ');
        if (sp1 <= 0 || sp2 <= sp1 + 1 || !line.startsWith("HTTP/1.", sp2 + 1)) {
            throw in.failure("malformed request line");
        }
        boolean http11 = !line.endsWith("HTTP/1.0");
        return new Request(line.substring(0, sp1), line.substring(sp1 + 1, sp2), http11, HeaderFields.read(in));
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
