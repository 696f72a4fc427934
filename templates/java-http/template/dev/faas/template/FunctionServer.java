package dev.faas.template;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Locale;

/**
 * The small HTTP server around a function's {@code function.Handler}: the watchdog (mode=http) starts it once and
 * proxies every call to it on 127.0.0.1:{@code function_port} (5000) over kept-alive connections. Blocking sockets,
 * a platform thread per connection (the watchdog opens a handful), JDK only; {@link HttpConnection} speaks HTTP/1.1.
 */
public final class FunctionServer {
    /** Arrays stop a little short of Integer.MAX_VALUE: the most a body can be, whatever max_body_size says. */
    private static final long LARGEST_BODY = Integer.MAX_VALUE - 8;

    private FunctionServer() {}

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getenv().getOrDefault("function_port", "5000"));
        int maxBody = maxBodySize(System.getenv().getOrDefault("max_body_size", ""));
        FunctionHandler handler = new function.Handler();
        ServerSocket listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress("127.0.0.1", port), 1024);
        System.err.println("msg=\"function listening\" port=" + port + " handler=" + handler.getClass().getName());
        for (long n = 1; ; n++) {
            Socket socket = null;
            try {
                socket = listener.accept();
                socket.setTcpNoDelay(true); // else every kept-alive response waits ~40 ms for Nagle and delayed ACKs
                Thread thread = new Thread(new HttpConnection(socket, handler, maxBody), "function-connection-" + n);
                thread.setDaemon(true);
                thread.start();
            } catch (IOException | OutOfMemoryError e) { // out of file descriptors or threads: shed this one
                System.err.println("msg=\"accept failed\" error=\"" + e + "\"");
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (IOException closing) {
                        // abandoned either way
                    }
                }
                pause();
            }
        }
    }

    /**
     * The watchdog's max_body_size, which it passes on to this process: bytes with an optional k, m or g suffix
     * (powers of 1024), 0 for no limit (but an array's), 64m when unset, as the watchdog reads it.
     */
    static int maxBodySize(String setting) {
        String v = setting.trim().toLowerCase(Locale.ROOT);
        if (v.isEmpty()) {
            return 64 << 20;
        }
        int shift = v.endsWith("k") ? 10 : v.endsWith("m") ? 20 : v.endsWith("g") ? 30 : 0;
        try {
            long n = Long.parseLong(shift == 0 ? v : v.substring(0, v.length() - 1));
            if (n >= 0) {
                return (int) (n == 0 || n > LARGEST_BODY >> shift ? LARGEST_BODY : n << shift);
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("max_body_size must be a size in bytes like 1048576, 512k, 64m or 0 for"
                + " no limit (got '" + setting + "')");
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
