package dev.faas.watchdog;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * A POST over a raw socket that sends its body while it reads the response, as a streaming caller must: the JDK
 * HttpClient only reads a response once its request body is sent, which deadlocks against a streamed echo of a body
 * larger than the socket buffers.
 */
final class DuplexClient {
    /** Status, the body's length and checksum after de-chunking. */
    record Result(int status, long length, long crc) {}

    private DuplexClient() {}

    static Result post(int port, long length, InputStream body) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(120_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            Thread sender = new Thread(() -> {
                try {
                    body.transferTo(out);
                    out.flush();
                } catch (IOException e) {
                    // the response says what went wrong
                }
            }, "duplex-sender");
            sender.start();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String status = line(in);
            boolean chunked = false;
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                chunked |= h.toLowerCase().startsWith("transfer-encoding:") && h.toLowerCase().contains("chunked");
            }
            CRC32 crc = new CRC32();
            long total = 0;
            byte[] buf = new byte[64 * 1024];
            if (!chunked) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    crc.update(buf, 0, n);
                    total += n;
                }
            } else {
                for (long size = Long.parseLong(line(in), 16); size > 0; size = Long.parseLong(line(in), 16)) {
                    for (long left = size; left > 0; ) {
                        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                        if (n < 0) {
                            throw new EOFException("the response ended inside a chunk");
                        }
                        crc.update(buf, 0, n);
                        total += n;
                        left -= n;
                    }
                    line(in); // the CRLF after a chunk
                }
            }
            sender.join(10_000);
            return new Result(Integer.parseInt(status.substring(9, 12)), total, crc.getValue());
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("the response ended inside a line");
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
