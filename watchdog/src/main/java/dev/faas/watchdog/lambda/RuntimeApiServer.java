package dev.faas.watchdog.lambda;

import dev.faas.watchdog.Log;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The Runtime API of one runtime, on 127.0.0.1 only: blocking sockets, a thread per connection, at most
 * {@link #MAX_CONNECTIONS} at once (a runtime uses one or two). Not the JDK's HttpServer the callers use: its limits
 * (sun.net.httpserver.maxRspTime, set from write_timeout) are global to the JVM and would cut a runtime's long poll on
 * .../next, which rightly lasts as long as no call comes. Here a connection has no time limit; every invocation is
 * bounded by its own deadline instead.
 */
final class RuntimeApiServer {
    /** Connections of one runtime served at once; one more is closed at once (the runtime leaks them). */
    static final int MAX_CONNECTIONS = 8;
    private static final int BACKLOG = 64;

    private final ServerSocketChannel listener;
    private final RuntimeSlot slot;
    private final Dispatcher dispatcher;
    private final Runtimes runtimes;
    private final ExecutorService threads;
    private final Semaphore connections = new Semaphore(MAX_CONNECTIONS);
    private final long maxBody;
    private final String functionArn;

    private RuntimeApiServer(ServerSocketChannel listener, RuntimeSlot slot, Dispatcher dispatcher, Runtimes runtimes,
                             ExecutorService threads, long maxBody, String functionArn) {
        this.listener = listener;
        this.slot = slot;
        this.dispatcher = dispatcher;
        this.runtimes = runtimes;
        this.threads = threads;
        this.maxBody = maxBody;
        this.functionArn = functionArn;
    }

    /** Binds 127.0.0.1:port (0: a free port) and sets the slot's port. */
    static RuntimeApiServer bind(int port, RuntimeSlot slot, Dispatcher dispatcher, Runtimes runtimes,
                                 ExecutorService threads, long maxBody, String functionArn) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), BACKLOG);
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
        slot.port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
        return new RuntimeApiServer(listener, slot, dispatcher, runtimes, threads, maxBody, functionArn);
    }

    void start() {
        Thread acceptor = new Thread(new Runnable() {
            @Override
            public void run() {
                accept();
            }
        }, "lambda-api-accept-" + slot.index);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept() {
        while (true) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (ClosedChannelException e) {
                return; // closed
            } catch (Throwable e) {
                Log.warn("Runtime API accept failed", "runtime", slot.index, "error", String.valueOf(e));
                pause();
                continue;
            }
            try {
                serve(channel);
            } catch (Throwable e) {
                // An Error here (no thread to start) must not end the Runtime API for good: this connection only.
                Log.warn("cannot serve a Runtime API connection", "runtime", slot.index, "error", String.valueOf(e));
                close(channel);
            }
        }
    }

    private void serve(SocketChannel channel) throws IOException {
        if (!connections.tryAcquire()) {
            Log.warn("the Lambda runtime has too many Runtime API connections open; closing a new one", "runtime",
                    slot.index, "max", MAX_CONNECTIONS);
            close(channel);
            return;
        }
        boolean handedOff = false;
        try {
            ApiSocket socket = new ApiSocket(channel);
            // The process that connects now is the slot's current one (a start bumps the generation first).
            RuntimeApiConnection connection = new RuntimeApiConnection(socket, slot, dispatcher.generation(slot),
                    dispatcher, runtimes, maxBody, functionArn);
            threads.execute(new Runnable() {
                @Override
                public void run() {
                    try {
                        connection.run();
                    } finally {
                        connections.release();
                    }
                }
            });
            handedOff = true;
        } finally {
            if (!handedOff) {
                connections.release();
                close(channel);
            }
        }
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already broken
        }
    }

    /** After a failed accept (out of file descriptors): not a busy loop. */
    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
