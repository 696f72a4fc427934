package dev.faas.watchdog.lambda;

import dev.faas.watchdog.Log;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.ExecutorService;

/**
 * The Runtime API of one runtime, on 127.0.0.1 only: blocking sockets, a thread per connection. Not the JDK's
 * HttpServer the callers use: its limits (sun.net.httpserver.maxRspTime, set from write_timeout) are global to the
 * JVM and would cut a runtime's long poll on .../next, which rightly lasts as long as no call comes. Here a
 * connection has no time limit; every invocation is bounded by its own deadline instead.
 */
final class RuntimeApiServer {
    private static final int BACKLOG = 64;

    private final ServerSocket listener;
    private final RuntimeSlot slot;
    private final Dispatcher dispatcher;
    private final ExecutorService threads;
    private final long maxBody;
    private final String functionArn;

    private RuntimeApiServer(ServerSocket listener, RuntimeSlot slot, Dispatcher dispatcher, ExecutorService threads,
                             long maxBody, String functionArn) {
        this.listener = listener;
        this.slot = slot;
        this.dispatcher = dispatcher;
        this.threads = threads;
        this.maxBody = maxBody;
        this.functionArn = functionArn;
    }

    /** Binds 127.0.0.1:port (0: a free port) and sets the slot's port. */
    static RuntimeApiServer bind(int port, RuntimeSlot slot, Dispatcher dispatcher, ExecutorService threads,
                                 long maxBody, String functionArn) throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), BACKLOG);
        slot.port = listener.getLocalPort();
        return new RuntimeApiServer(listener, slot, dispatcher, threads, maxBody, functionArn);
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
            Socket socket;
            try {
                socket = listener.accept();
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                Log.warn("Runtime API accept failed", "runtime", slot.index, "error", e.getMessage());
                continue;
            }
            try {
                socket.setTcpNoDelay(true); // small answers: no Nagle wait behind the runtime's delayed ACK
                // The process that connects now is the slot's current one (a start bumps the generation first).
                threads.execute(new RuntimeApiConnection(socket, slot, dispatcher.generation(slot), dispatcher,
                        maxBody, functionArn));
            } catch (IOException | RuntimeException e) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // already broken
                }
            }
        }
    }
}
