package dev.faas.watchdog.proxy;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kept-alive connections to the warm process, most recently used first (its socket buffers are warm). A restart of
 * the process makes every connection of the old generation worthless: they are closed rather than reused.
 */
final class UpstreamPool {
    private static final int MAX_IDLE = 256;
    private static final int BUFFER = 16 * 1024;

    private final InetSocketAddress address;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private volatile int generation;

    UpstreamPool(InetSocketAddress address) {
        this.address = address;
    }

    /** A kept-alive connection if one is idle and {@code fresh} is false, else a new one. */
    Connection borrow(boolean fresh, int connectTimeoutMillis) throws IOException {
        if (!fresh) {
            Connection c = idle.pollFirst();
            if (c != null) {
                idleCount.decrementAndGet();
                if (c.generation == generation) {
                    c.reused = true;
                    return c;
                }
                c.close();
            }
        }
        return connect(connectTimeoutMillis);
    }

    /** Back to the pool after a complete exchange. */
    void release(Connection c) {
        if (c.generation != generation || idleCount.incrementAndGet() > MAX_IDLE) {
            if (c.generation == generation) {
                idleCount.decrementAndGet();
            }
            c.close();
            return;
        }
        idle.offerFirst(c);
    }

    /** The process restarted: no idle connection of the old one is reused. */
    void reset() {
        generation++;
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            c.close();
        }
    }

    /** Whether the address accepts a connection now (used to tell a started process is listening). */
    boolean accepts(int timeoutMillis) {
        try (Socket probe = new Socket()) {
            probe.connect(address, timeoutMillis);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    String authority() {
        return address.getHostString() + ":" + address.getPort();
    }

    private Connection connect(int timeoutMillis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(address, Math.max(1, timeoutMillis));
            return new Connection(socket, generation);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** One connection to the process; the timer thread may close it to cancel a request. */
    static final class Connection {
        final Socket socket;
        final HttpInput in;
        final OutputStream out;
        final int generation;
        boolean reused;

        Connection(Socket socket, int generation) throws IOException {
            this.socket = socket;
            this.in = new HttpInput(socket.getInputStream(), BUFFER, false);
            this.out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
            this.generation = generation;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing is best effort: the socket is abandoned either way
            }
        }
    }
}
