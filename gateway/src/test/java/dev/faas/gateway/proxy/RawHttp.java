package dev.faas.gateway.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** One HTTP exchange over a raw socket: the bytes sent exactly as given, the first answer read back. */
final class RawHttp {
    /** The first response on a connection; {@code status} 0 when the gateway closed without answering. */
    record Answer(int status, String head, String body, boolean closed) {
        String statusLine() {
            int end = head.indexOf("\r\n");
            return end < 0 ? head : head.substring(0, end);
        }

        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return status == 0 ? "(closed without an answer)" : head.replace("\r\n", " | ") + " || " + body;
        }
    }

    private RawHttp() {}

    static String ascii(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends {@code request} and reads one answer (head, then a Content-Length or chunked body), within 5 s. */
    static Answer send(int port, byte[] request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return read(s.getInputStream());
        }
    }

    /** The first final answer: interim 1xx answers (100 Continue) are skipped. */
    static Answer read(InputStream in) throws IOException {
        String head = head(in);
        while (head != null && head.startsWith("HTTP/1.1 1") && !head.startsWith("HTTP/1.1 101")) {
            head = head(in);
        }
        if (head == null) {
            return new Answer(0, "", "", true);
        }
        Answer partial = new Answer(Integer.parseInt(head.substring(9, 12)), head, "", false);
        String length = partial.header("Content-Length");
        byte[] body;
        if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
        } else if ("chunked".equalsIgnoreCase(partial.header("Transfer-Encoding"))) {
            body = chunked(in);
        } else {
            body = in.readAllBytes();
        }
        return new Answer(partial.status(), head, new String(body, StandardCharsets.UTF_8),
                "close".equalsIgnoreCase(partial.header("Connection")));
    }

    /** The head up to its blank line, without it; null when the connection ended (or was reset) first. */
    static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0D0A0D0A) {
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (IOException reset) {
                return null;
            }
            if (b < 0) {
                return null;
            }
            head.write(b);
            last4 = last4 << 8 | b;
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        return h.substring(0, h.length() - 4);
    }

    static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int semi = size.indexOf(';');
            int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
            if (n == 0) {
                while (!line(in).isEmpty()) {
                    // trailer fields
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(n));
            line(in);
        }
    }

    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
