package dev.faas.watchdog;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** One request as raw bytes on its own connection, and the response as it came (for malformed-message tests). */
final class RawHttp {
    /** How long a read may wait: only a test that is about to fail waits this long. */
    private static final int READ_TIMEOUT_MILLIS = 8_000;

    /**
     * @param headers    lower-case names, the last value of each
     * @param closedAfter whether the server closed the connection after this response
     */
    record Response(int status, Map<String, String> headers, String body, boolean closedAfter) {
        String contentType() {
            return headers.getOrDefault("content-type", "");
        }
    }

    private RawHttp() {}

    /**
     * @param halfClose   whether to end the sending side after the request (for messages cut short on purpose)
     * @param checkClosed whether to find out if the server closes the connection after the response (a server
     *                    that keeps it open costs the read timeout)
     */
    static Response send(int port, String request, boolean halfClose, boolean checkClosed) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            if (halfClose) {
                socket.shutdownOutput();
            }
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String statusLine = line(in);
            if (statusLine == null) {
                return new Response(0, Map.of(), "", true); // closed without an answer
            }
            Map<String, String> headers = new TreeMap<>();
            for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
            String body;
            boolean untilClose = false;
            if (headers.containsKey("content-length")) {
                body = new String(in.readNBytes(Integer.parseInt(headers.get("content-length"))),
                        StandardCharsets.ISO_8859_1);
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = dechunk(in);
            } else {
                body = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                untilClose = true;
            }
            return new Response(Integer.parseInt(statusLine.substring(9, 12)), headers, body,
                    untilClose || (checkClosed && closed(in)));
        }
    }

    private static boolean closed(InputStream in) throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset: closed too
        }
    }

    private static String dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int size = Integer.parseInt(line(in), 16); size > 0; size = Integer.parseInt(line(in), 16)) {
            body.write(in.readNBytes(size));
            line(in);
        }
        line(in);
        return body.toString(StandardCharsets.ISO_8859_1);
    }

    /** A line without its CRLF, null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new EOFException("the response ended inside a line");
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
