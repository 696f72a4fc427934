package dev.faas.watchdog.lambda;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request from a runtime to the Runtime API, read whole: the runtimes (curl, libcurl in AWS's runtime
 * interface clients, HttpURLConnection, Node's and Python's clients) send small, well-formed requests with a
 * Content-Length or a chunked body. Only the function's own processes can connect (127.0.0.1), so this reader is
 * plain rather than defensive beyond bounds on sizes.
 *
 * @param headers  lower-case names, the last value of each
 * @param tooLarge the body was over max_body_size: it was read and dropped, {@code body} is empty
 * @param close    the runtime asked to close the connection after the answer
 */
record ApiRequest(String method, String path, Map<String, String> headers, byte[] body, boolean tooLarge,
                  boolean close) {
    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_HEADERS = 200;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    /** A request this reader cannot take; answered 400 and the connection closed. */
    static final class Malformed extends IOException {
        Malformed(String message) {
            super(message);
        }
    }

    String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }

    /**
     * @param out     where an interim 100 Continue goes when the runtime expects one (curl does for large bodies)
     * @param maxBody max_body_size, 0 for no limit
     * @return the request, or null when the connection closed between requests
     */
    static ApiRequest read(InputStream in, OutputStream out, long maxBody) throws IOException {
        String line;
        do {
            line = line(in, true);
            if (line == null) {
                return null;
            }
        } while (line.isEmpty());
        int sp1 = line.indexOf(' ');
        int sp2 = line.lastIndexOf(' ');
        if (sp1 <= 0 || sp2 <= sp1 || !line.startsWith("HTTP/1.", sp2 + 1)) {
            throw new Malformed("malformed request line");
        }
        String method = line.substring(0, sp1);
        String target = line.substring(sp1 + 1, sp2);
        boolean http10 = line.endsWith("HTTP/1.0");
        Map<String, String> headers = new HashMap<>();
        for (int count = 0; ; count++) {
            String h = line(in, false);
            if (h.isEmpty()) {
                break;
            }
            int colon = h.indexOf(':');
            if (colon <= 0 || count >= MAX_HEADERS) {
                throw new Malformed(colon <= 0 ? "malformed header line" : "too many header lines");
            }
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            String before = headers.put(name, value);
            if (before != null && name.equals("content-length") && !before.equals(value)) {
                throw new Malformed("Content-Length given twice, differently");
            }
            if (before != null && name.equals("transfer-encoding")) {
                throw new Malformed("Transfer-Encoding given twice");
            }
        }
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
        boolean close = http10 ? !connection.contains("keep-alive") : connection.contains("close");
        String encoding = headers.get("transfer-encoding");
        if (encoding != null && !encoding.equalsIgnoreCase("chunked")) {
            throw new Malformed("Transfer-Encoding '" + encoding + "' is not supported; send chunked or a"
                    + " Content-Length");
        }
        long length = encoding != null ? -1 : length(headers.get("content-length"));
        boolean tooLarge = length > Integer.MAX_VALUE - 8 || (maxBody > 0 && length > maxBody);
        if ("100-continue".equalsIgnoreCase(headers.get("expect"))) {
            if (tooLarge) {
                // Refused before the body is sent: the runtime gets its answer, and the connection closes.
                return new ApiRequest(method, path, headers, new byte[0], true, true);
            }
            out.write(CONTINUE);
            out.flush();
        }
        Body body = encoding != null ? chunked(in, maxBody) : fixed(in, length, tooLarge);
        return new ApiRequest(method, path, headers, body.bytes, body.tooLarge, close);
    }

    private record Body(byte[] bytes, boolean tooLarge) {}

    /** Content-Length as a number, 0 when there is none. */
    private static long length(String contentLength) throws Malformed {
        if (contentLength == null) {
            return 0;
        }
        try {
            long length = Long.parseLong(contentLength);
            if (length >= 0) {
                return length;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw new Malformed("bad Content-Length");
    }

    private static Body fixed(InputStream in, long length, boolean tooLarge) throws IOException {
        if (tooLarge) {
            skip(in, length);
            return new Body(new byte[0], true);
        }
        byte[] body = new byte[(int) length];
        readFully(in, body, 0, body.length);
        return new Body(body, false);
    }

    private static Body chunked(InputStream in, long maxBody) throws IOException {
        byte[] body = new byte[0];
        int length = 0;
        boolean tooLarge = false;
        while (true) {
            String sizeLine = line(in, false);
            int semicolon = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new Malformed("bad chunk size");
            }
            if (size < 0) {
                throw new Malformed("bad chunk size");
            }
            if (size == 0) {
                while (!line(in, false).isEmpty()) {
                    // trailer fields (a streamed response's error trailers): not used
                }
                return tooLarge ? new Body(new byte[0], true)
                        : new Body(length == body.length ? body : Arrays.copyOf(body, length), false);
            }
            long total = length + size;
            if (tooLarge || (maxBody > 0 && total > maxBody) || total > Integer.MAX_VALUE - 8) {
                tooLarge = true;
                body = new byte[0];
                length = 0;
                skip(in, size);
            } else {
                if (total > body.length) {
                    // Room for this chunk, and some to spare for the next ones (most bodies come in one chunk).
                    body = Arrays.copyOf(body, (int) Math.min(Integer.MAX_VALUE - 8,
                            Math.max(total, Math.min(2L * body.length, maxBody > 0 ? maxBody : Long.MAX_VALUE))));
                }
                readFully(in, body, length, (int) size);
                length = (int) total;
            }
            if (!line(in, false).isEmpty()) {
                throw new Malformed("no CRLF after a chunk");
            }
        }
    }

    private static void readFully(InputStream in, byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = in.read(b, off, len);
            if (n < 0) {
                throw new IOException("the connection ended inside a body");
            }
            off += n;
            len -= n;
        }
    }

    private static void skip(InputStream in, long length) throws IOException {
        for (long left = length; left > 0; ) {
            long n = in.skip(left);
            if (n <= 0) {
                if (in.read() < 0) {
                    throw new IOException("the connection ended inside a body");
                }
                n = 1;
            }
            left -= n;
        }
    }

    /** A line without its CRLF (a bare LF is taken too); null at a clean end only when {@code endOk}. */
    private static String line(InputStream in, boolean endOk) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (endOk && line.size() == 0) {
                    return null;
                }
                throw new IOException("the connection ended inside a request");
            }
            if (c == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= MAX_LINE) {
                throw new Malformed("a line longer than " + MAX_LINE + " bytes");
            }
            line.write(c);
        }
    }
}
