package dev.faas.watchdog.proxy;

import dev.faas.watchdog.http.InFlight;
import dev.faas.watchdog.http.Readiness;
import dev.faas.watchdog.http.Routes;
import dev.faas.watchdog.metrics.HttpMetrics;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

/** One caller's connection: requests read one after another, each answered before the next is read. */
final class ClientConnection implements Runnable {
    private static final int BUFFER = 16 * 1024;

    private final Socket socket;
    private final ProxyServer server;
    private final Forwarder forwarder;
    private final Readiness readiness;
    private final InFlight inFlight;
    private final Deadlines deadlines;
    private final long readTimeoutNanos;
    private final HttpMetrics metrics;
    private volatile boolean idle = true;

    /** @param readTimeoutNanos read_timeout: the longest wait for a request's head, 0 for none */
    ClientConnection(Socket socket, ProxyServer server, Forwarder forwarder, Readiness readiness, InFlight inFlight,
                     Deadlines deadlines, long readTimeoutNanos, HttpMetrics metrics) {
        this.metrics = metrics;
        this.socket = socket;
        this.server = server;
        this.forwarder = forwarder;
        this.readiness = readiness;
        this.inFlight = inFlight;
        this.deadlines = deadlines;
        this.readTimeoutNanos = readTimeoutNanos;
    }

    @Override
    public void run() {
        OutputStream out = null;
        try {
            HttpInput in = new HttpInput(ClientStreams.input(socket.getInputStream()), BUFFER, true);
            out = new BufferedOutputStream(ClientStreams.output(socket.getOutputStream()), BUFFER);
            boolean open = true;
            while (open && !readiness.isDraining()) {
                idle = true;
                Deadlines.Watch silence = readTimeoutNanos == 0 ? null : deadlines.watch(readTimeoutNanos, this::close);
                Heads.Request req = Heads.request(in);
                if (silence != null) {
                    silence.cancel();
                }
                if (req == null) {
                    break;
                }
                idle = false;
                inFlight.enter();
                try {
                    open = serve(req, in, out);
                } finally {
                    inFlight.exit();
                }
            }
        } catch (ClientFailure e) {
            answerIfPossible(out, e);
        } catch (IOException e) {
            // the caller went away; nothing to answer
        } finally {
            close();
            server.forget(this);
        }
    }

    /** Drain: a connection waiting for its next request is closed now, a busy one after its answer. */
    void closeIfIdle() {
        if (idle) {
            close();
        }
    }

    private void stopReading() {
        try {
            socket.shutdownInput();
        } catch (IOException e) {
            // already closed
        }
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private boolean serve(Heads.Request req, HttpInput in, OutputStream out) throws IOException {
        boolean keepAlive = req.http11() && !req.fields().hasToken("Connection", "close") && !readiness.isDraining();
        Routes.Route route = Routes.of(req.path());
        if (req.method().equals("CONNECT")) { // its target is host:port, not a path: nothing to hand a function
            Framing.ofRequest(req.fields(), in);
            return Replies.text(out, 501, "CONNECT is not supported: the watchdog is not a proxy\n", false);
        }
        if (route == Routes.Route.FUNCTION) {
            StatusRecorder answer = new StatusRecorder(out);
            long start = System.nanoTime();
            metrics.started();
            try {
                return forwarder.forward(req, in, answer, keepAlive, this::stopReading);
            } finally {
                metrics.finished(req.method(), answer.status(), System.nanoTime() - start);
            }
        }
        // A probe has no body; one that sends a body is answered and its connection closed rather than read.
        boolean bodyless = Framing.ofRequest(req.fields(), in).kind() == Framing.Kind.NONE;
        boolean head = req.method().equals("HEAD");
        if (!head && !req.method().equals("GET")) {
            return Replies.write(out, 405, "use GET or HEAD for " + req.path() + "\n", keepAlive && bodyless, false);
        }
        Routes.Answer answer = Routes.probe(route, readiness, forwarder.hasRoom());
        return Replies.write(out, answer.status(), answer.body(), keepAlive && bodyless, head);
    }

    private static void answerIfPossible(OutputStream out, ClientFailure e) {
        if (e.status == 0 || out == null) {
            return;
        }
        try {
            Replies.text(out, e.status, e.getMessage() + "\n", false);
        } catch (IOException ignored) {
            // the caller is gone too
        }
    }
}
