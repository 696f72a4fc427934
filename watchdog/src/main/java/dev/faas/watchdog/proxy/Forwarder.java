package dev.faas.watchdog.proxy;

import dev.faas.watchdog.config.ConfigException;
import dev.faas.watchdog.config.Durations;
import dev.faas.watchdog.config.WatchdogConfig.Limit;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;

/**
 * Forwards one request to the warm process and its response back, both bodies streamed, over a kept-alive
 * connection. Each request has its own deadline: reaching it closes that request's upstream connection only (the
 * process keeps running) and answers 504, or cuts the response short when its head was already sent.
 */
final class Forwarder {
    /** A body up to this size is read before the upstream is called: one write, and a retry is possible. */
    private static final int SMALL_BODY = 64 * 1024;
    private static final int CONNECT_TIMEOUT_MILLIS = 2000;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final UpstreamPool pool;
    private final BooleanSupplier upstreamReady;
    private final Limit limit;
    private final Deadlines deadlines;
    private final Semaphore inflight;
    private final int maxInflight;

    /** @param limit per request, null for none; @param maxInflight 0 for no limit */
    Forwarder(UpstreamPool pool, BooleanSupplier upstreamReady, Limit limit, int maxInflight,
              Deadlines deadlines) {
        this.pool = pool;
        this.upstreamReady = upstreamReady;
        this.limit = limit;
        this.deadlines = deadlines;
        this.maxInflight = maxInflight;
        this.inflight = maxInflight > 0 ? new Semaphore(maxInflight) : null;
    }

    /** Whether another request would be let in now (for /_/ready). */
    boolean hasRoom() {
        return inflight == null || inflight.availablePermits() > 0;
    }

    /**
     * @param keepAlive   whether the caller's connection may stay open after this exchange
     * @param stopReading ends a blocked read of the caller's body (its deadline passed while the caller still sent)
     * @return whether it does
     */
    boolean forward(Heads.Request req, HttpInput cin, OutputStream cout, boolean keepAlive, Runnable stopReading)
            throws IOException {
        Framing body = Framing.ofRequest(req.fields(), cin);
        boolean bodyUnread = body.kind() != Framing.Kind.NONE && body.length() != 0;
        Limit requestLimit = limit;
        String xTimeout = req.fields().get("X-Timeout");
        if (xTimeout != null) {
            try {
                requestLimit = shorter(limit, new Limit("X-Timeout", Durations.parse("X-Timeout", xTimeout)));
            } catch (ConfigException e) {
                return Replies.text(cout, 400, e.getMessage() + "\n", keepAlive && !bodyUnread);
            }
        }
        if (inflight != null && !inflight.tryAcquire()) {
            return Replies.text(cout, 429, "too many requests in flight (max_inflight=" + maxInflight
                    + "); retry later\n", keepAlive && !bodyUnread);
        }
        try {
            if (!upstreamReady.getAsBoolean()) {
                return Replies.text(cout, 503, "the function is not ready (its process is starting or restarting);"
                        + " retry shortly\n", keepAlive && !bodyUnread);
            }
            return new Exchange(req, body, requestLimit, cin, cout, stopReading).run(keepAlive);
        } finally {
            if (inflight != null) {
                inflight.release();
            }
        }
    }

    private static Limit shorter(Limit configured, Limit requested) {
        return configured == null || requested.duration().compareTo(configured.duration()) < 0 ? requested : configured;
    }

    /** One request's trip; the deadline thread runs it when the limit is reached. */
    private final class Exchange implements Runnable {
        private final Heads.Request req;
        private final Framing body;
        private final Limit limit;
        private final HttpInput cin;
        private final OutputStream cout;
        private final Runnable stopReading;
        private volatile UpstreamPool.Connection upstream;
        private volatile boolean timedOut;
        private volatile boolean requestSent;
        private boolean committed;

        Exchange(Heads.Request req, Framing body, Limit limit, HttpInput cin, OutputStream cout,
                 Runnable stopReading) {
            this.req = req;
            this.body = body;
            this.limit = limit;
            this.cin = cin;
            this.cout = cout;
            this.stopReading = stopReading;
        }

        boolean run(boolean keepAlive) throws IOException {
            Deadlines.Watch deadline = limit == null ? null : deadlines.watch(limit.duration().toNanos(), this);
            try {
                return relay(keepAlive);
            } catch (ClientFailure e) {
                closeUpstream();
                if (timedOut && !committed) { // cut while the caller was still sending: it can still read a 504
                    return Replies.text(cout, 504, limit.describe() + " reached: request cancelled\n", false);
                }
                throw e;
            } catch (IOException e) {
                closeUpstream();
                if (committed) {
                    return false; // the head is out: only a cut connection tells the caller the body is incomplete
                }
                boolean keep = keepAlive && requestSent;
                if (timedOut) {
                    return Replies.text(cout, 504, limit.describe() + " reached: request cancelled\n", keep);
                }
                if (!upstreamReady.getAsBoolean() || e instanceof ConnectException) {
                    return Replies.text(cout, 503, "the function's process is not accepting connections (it exited"
                            + " and is being restarted); retry shortly\n", keep);
                }
                return Replies.text(cout, 502, "the function's HTTP server failed: " + e.getMessage() + "\n", keep);
            } finally {
                if (deadline != null) {
                    deadline.cancel();
                }
            }
        }

        /** The deadline: cancels this request only, by closing its connection to the process. */
        @Override
        public void run() {
            timedOut = true;
            closeUpstream();
            if (!requestSent) {
                stopReading.run();
            }
        }

        private boolean relay(boolean keepAlive) throws IOException {
            boolean bodyUnread = body.kind() != Framing.Kind.NONE && body.length() != 0;
            if (bodyUnread && req.fields().hasToken("Expect", "100-continue")) {
                cout.write(CONTINUE);
                cout.flush();
            }
            byte[] small = body.kind() == Framing.Kind.LENGTH && body.length() <= SMALL_BODY
                    ? cin.readFixed((int) body.length()) : null;
            boolean replayable = !bodyUnread || small != null;
            Heads.Response resp = null;
            for (int attempt = 0; resp == null; attempt++) {
                UpstreamPool.Connection c = pool.borrow(!replayable, connectTimeout());
                attach(c);
                try {
                    send(c, small);
                    resp = Heads.response(c.in);
                    if (resp == null) {
                        throw new IOException("the connection closed before a response");
                    }
                } catch (ClientFailure e) {
                    throw e;
                } catch (IOException e) {
                    c.close();
                    if (timedOut || !c.reused || !replayable || attempt > 0) {
                        throw e;
                    }
                    // a kept-alive connection the process had already closed: once more on a new one
                }
            }
            return respond(resp, keepAlive);
        }

        private void send(UpstreamPool.Connection c, byte[] small) throws IOException {
            OutputStream out = c.out;
            out.write((req.method() + " " + req.target() + " HTTP/1.1\r\n").getBytes(StandardCharsets.ISO_8859_1));
            req.fields().writeEndToEnd(out);
            if (req.fields().get("Host") == null) {
                HeaderFields.write(out, "Host", pool.authority());
            }
            if (body.kind() == Framing.Kind.LENGTH) {
                HeaderFields.write(out, "Content-Length", Long.toString(body.length()));
            } else if (body.kind() == Framing.Kind.CHUNKED) {
                HeaderFields.write(out, "Transfer-Encoding", "chunked");
            }
            out.write('\r');
            out.write('\n');
            if (small != null) {
                out.write(small);
            } else if (body.kind() == Framing.Kind.LENGTH) {
                cin.copyFixed(body.length(), out);
            } else if (body.kind() == Framing.Kind.CHUNKED) {
                cin.copyChunked(out, true);
            }
            out.flush();
            requestSent = true;
        }

        private boolean respond(Heads.Response resp, boolean keepAlive) throws IOException {
            UpstreamPool.Connection c = upstream;
            Framing framing = Framing.ofResponse(resp.status(), req.method().equals("HEAD"), resp.fields(), c.in);
            boolean upstreamKeeps = framing.selfDelimited() && resp.http11()
                    && !resp.fields().hasToken("Connection", "close");
            // An HTTP/1.0 caller cannot read chunks: it gets the bare body, delimited by the connection's end.
            boolean chunkedToCaller = req.http11() && framing.kind() != Framing.Kind.LENGTH
                    && framing.kind() != Framing.Kind.NONE;
            boolean callerKeeps = keepAlive && (framing.selfDelimited() || chunkedToCaller)
                    && (req.http11() || framing.kind() == Framing.Kind.LENGTH || framing.kind() == Framing.Kind.NONE);
            cout.write(("HTTP/1.1 " + resp.status() + " " + resp.reason() + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            resp.fields().writeEndToEnd(cout);
            if (framing.kind() == Framing.Kind.LENGTH) {
                HeaderFields.write(cout, "Content-Length", Long.toString(framing.length()));
            } else if (chunkedToCaller) {
                HeaderFields.write(cout, "Transfer-Encoding", "chunked");
            } else if (framing.kind() == Framing.Kind.NONE && resp.fields().get("Content-Length") != null) {
                HeaderFields.write(cout, "Content-Length", resp.fields().get("Content-Length")); // HEAD, 304
            }
            if (!callerKeeps) {
                HeaderFields.write(cout, "Connection", "close");
            }
            cout.write('\r');
            cout.write('\n');
            committed = true;
            switch (framing.kind()) {
                case LENGTH:
                    c.in.copyFixed(framing.length(), cout);
                    break;
                case CHUNKED:
                    c.in.copyChunked(cout, chunkedToCaller);
                    break;
                case UNTIL_CLOSE:
                    if (chunkedToCaller) {
                        ChunkedOutput chunks = new ChunkedOutput(cout);
                        c.in.copyToEnd(chunks);
                        chunks.finish();
                    } else {
                        c.in.copyToEnd(cout);
                    }
                    break;
                default:
                    break;
            }
            cout.flush();
            if (upstreamKeeps && !timedOut) {
                upstream = null;
                pool.release(c);
            } else {
                closeUpstream();
            }
            return callerKeeps;
        }

        private void attach(UpstreamPool.Connection c) {
            upstream = c;
            if (timedOut) {
                c.close(); // the deadline passed while connecting
            }
        }

        private void closeUpstream() {
            UpstreamPool.Connection c = upstream;
            if (c != null) {
                c.close();
            }
        }

        private int connectTimeout() {
            return limit == null ? CONNECT_TIMEOUT_MILLIS
                    : (int) Math.min(CONNECT_TIMEOUT_MILLIS, Math.max(1, limit.duration().toMillis()));
        }
    }
}
