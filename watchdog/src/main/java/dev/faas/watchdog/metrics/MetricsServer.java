package dev.faas.watchdog.metrics;

import dev.faas.watchdog.Log;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * GET /metrics on metrics_port, as of-watchdog serves it on 8081. One thread, one scrape at a time, each connection
 * closed after its answer: Prometheus scrapes every few seconds, so nothing here is worth a server's machinery.
 */
public final class MetricsServer {
    private static final int HEAD_LIMIT = 8 * 1024;
    private static final int READ_TIMEOUT_MILLIS = 2000;

    private final HttpMetrics metrics;
    private ServerSocket listener;

    public MetricsServer(HttpMetrics metrics) {
        this.metrics = metrics;
    }

    /** @return the port bound */
    public int start(String bindAddress, int port) throws IOException {
        listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(bindAddress, port), 16);
        Thread thread = new Thread(this::serve, "watchdog-metrics");
        thread.setDaemon(true);
        thread.start();
        return listener.getLocalPort();
    }

    private void serve() {
        while (true) {
            try (Socket socket = listener.accept()) {
                socket.setSoTimeout(READ_TIMEOUT_MILLIS);
                answer(firstLine(new BufferedInputStream(socket.getInputStream())), socket.getOutputStream());
            } catch (SocketException e) {
                if (listener.isClosed()) {
                    return;
                }
            } catch (IOException e) {
                Log.warn("metrics scrape failed", "error", e.getMessage());
            }
        }
    }

    private void answer(String requestLine, OutputStream out) throws IOException {
        boolean scrape = requestLine.startsWith("GET /metrics ") || requestLine.startsWith("GET /metrics?");
        byte[] body = scrape ? metrics.exposition()
                : "only GET /metrics is served on this port\n".getBytes(StandardCharsets.UTF_8);
        String head = (scrape ? "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                : "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\n")
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /** The request line, after reading the head to its end (closing with unread input would reset the answer). */
    private static String firstLine(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder(256);
        while (head.length() < HEAD_LIMIT && head.indexOf("\r\n\r\n") < 0) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.append((char) c);
        }
        int eol = head.indexOf("\r\n");
        return eol < 0 ? head.toString() : head.substring(0, eol);
    }
}
