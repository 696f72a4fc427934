package dev.faas.watchdog.proxy;

import dev.faas.watchdog.Log;
import dev.faas.watchdog.config.WatchdogConfig;
import dev.faas.watchdog.http.InFlight;
import dev.faas.watchdog.http.Readiness;
import dev.faas.watchdog.metrics.HttpMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * http mode's listener: blocking sockets, a thread per caller connection, so a proxied request costs four socket
 * calls and no hand-off between threads. The JDK HttpServer alone, answering directly, gave a fifth of this design's
 * throughput at 16 connections (docs/watchdog.md): too slow to put in front of another server.
 */
public final class ProxyServer {
    private static final int BACKLOG = 1024;

    private final WatchdogConfig config;
    private final Forwarder forwarder;
    private final Readiness readiness;
    private final ExecutorService threads;
    private final InFlight inFlight = new InFlight();
    private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();
    private final Deadlines deadlines;
    private final HttpMetrics metrics;
    private ServerSocket listener;

    ProxyServer(WatchdogConfig config, Forwarder forwarder, Readiness readiness, ExecutorService threads,
                Deadlines deadlines, HttpMetrics metrics) {
        this.deadlines = deadlines;
        this.metrics = metrics;
        this.config = config;
        this.forwarder = forwarder;
        this.readiness = readiness;
        this.threads = threads;
    }

    /** @return the port actually bound */
    int start() throws IOException {
        listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(config.bindAddress(), config.port()), BACKLOG);
        // Not a daemon: this thread keeps the JVM alive until the drain closes the listener.
        new Thread(this::accept, "watchdog-accept").start();
        readiness.markListening();
        return listener.getLocalPort();
    }

    /** Stops taking connections, closes idle ones, and waits up to the bound for in-flight requests. */
    boolean drain(long waitMillis) throws InterruptedException {
        readiness.startDraining();
        try {
            listener.close();
        } catch (IOException e) {
            // closing is best effort
        }
        connections.forEach(ClientConnection::closeIfIdle);
        boolean drained = inFlight.awaitNone(waitMillis);
        connections.forEach(ClientConnection::close);
        return drained;
    }

    void forget(ClientConnection c) {
        connections.remove(c);
    }

    private void accept() {
        long readTimeout = config.readTimeout().toNanos();
        while (true) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (SocketException e) {
                return; // closed by drain
            } catch (IOException e) {
                Log.warn("accept failed", "error", e.getMessage());
                continue;
            }
            try {
                socket.setTcpNoDelay(true);
                // read_timeout is kept by the deadline thread (a socket timeout would cost a poll per read)
                ClientConnection c = new ClientConnection(socket, this, forwarder, readiness, inFlight, deadlines,
                        readTimeout, metrics);
                connections.add(c);
                if (readiness.isDraining()) {
                    c.close();
                }
                threads.execute(c);
            } catch (IOException | RuntimeException e) {
                Log.warn("could not serve a connection", "error", e.getMessage());
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // already broken
                }
            }
        }
    }
}
