package dev.faas.gateway.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A function that records every request exactly as the gateway sent it (head and decoded body) and answers
 * {@code 200 ok}, on keep-alive connections, so a test can say what reached the function.
 */
final class RecordingUpstream implements AutoCloseable {
    /** One request as it arrived: the head without its blank line, and the body (chunked bodies decoded). */
    record Seen(String head, byte[] body) {
        String requestLine() {
            return head.substring(0, head.indexOf("\r\n") < 0 ? head.length() : head.indexOf("\r\n"));
        }

        /** The value of {@code name} as the function saw it, or null. */
        String header(String name) {
            return new RawHttp.Answer(200, "HTTP/1.1 200 x\r\n" + head.substring(head.indexOf("\r\n") + 2), "", false)
                    .header(name);
        }
    }

    private final ServerSocket listener;
    private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();

    RecordingUpstream() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "recording upstream " + listener.getLocalPort());
        acceptor.setDaemon(true); // a test failing before teardown must not keep the JVM alive
        acceptor.start();
    }

    String address() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /** The next request the function got, waiting up to 5 s for it. */
    Seen next() throws InterruptedException {
        Seen s = seen.poll(5, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("the function got no request within 5 s");
        }
        return s;
    }

    /** The request the function got, if one is already there (the gateway forwards before it answers). */
    Seen poll() {
        return seen.poll();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                Thread t = new Thread(() -> serve(s), "recording upstream connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = RawHttp.head(in);
                if (head == null) {
                    return;
                }
                Seen request = new Seen(head, null);
                String length = request.header("Content-Length");
                byte[] body = length != null ? in.readNBytes(Integer.parseInt(length))
                        : request.header("Transfer-Encoding") != null ? RawHttp.chunked(in) : new byte[0];
                seen.add(new Seen(head, body));
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException | RuntimeException broken) {
            // a request cut off by the gateway (the tests that care look at what was recorded)
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
