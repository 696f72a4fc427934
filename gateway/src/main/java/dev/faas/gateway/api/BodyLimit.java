package dev.faas.gateway.api;

import dev.faas.gateway.proxy.UpstreamAbort;
import io.undertow.server.ConduitWrapper;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.AttachmentKey;
import io.undertow.util.ConduitFactory;
import io.undertow.util.Headers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.StreamSourceConduit;

/**
 * max_body for request bodies sent without a Content-Length (chunked), counted as they are read.
 * <p>
 * Undertow's own limit cannot be used for them: its chunked decoder closes the client's connection when the limit
 * is passed (no 413 can be sent) and reports the body as ended, so a proxied function would get a truncated body
 * as if it were whole. Here the read that passes the limit triggers the exchange's {@link UpstreamAbort} (the
 * proxy resets its upstream connection, so the function sees its request cut off) or fails with
 * {@link RequestTooBigException}, leaving the caller's connection alone: the caller gets 413 (see
 * {@link #exceeded}). So the server itself runs without a limit and {@link #guard} applies max_body to every request.
 * <p>
 * After a 413 the rest of the body is read and dropped, up to another max_body (at least {@value #MIN_DRAIN} bytes),
 * before the connection serves its next request. Closing at once would not do: most callers write their whole body
 * before they read, and a connection closed while data still arrives is reset by the kernel, which throws away the
 * 413 on the caller's side (measured: about half the calls from Java's HttpClient saw a reset, not a 413). A body
 * larger than that, or one the caller has not sent yet ({@code Expect: 100-continue}), is answered at once and the
 * connection closed.
 */
public final class BodyLimit implements ConduitWrapper<StreamSourceConduit> {
    private static final AttachmentKey<Boolean> EXCEEDED = AttachmentKey.create(Boolean.class);
    static final long MIN_DRAIN = 1024 * 1024;
    private final long maxBody;
    private final long drain;

    private BodyLimit(long maxBody) {
        this.maxBody = maxBody;
        this.drain = Math.max(maxBody, MIN_DRAIN);
    }

    /**
     * Wraps the whole server: a declared Content-Length over max_body is answered 413 at once (before any route
     * reads anything); a body without one is counted as it is read.
     */
    public static HttpHandler guard(long maxBody, HttpHandler next) {
        return guard("max_body", maxBody, next);
    }

    /** The same with another limit, named by the setting that sets it (in the 413's message). */
    public static HttpHandler guard(String setting, long maxBody, HttpHandler next) {
        return guard(maxBody, exchange -> PlainText.tooLarge(exchange, setting, maxBody), next);
    }

    /**
     * The same with another answer for a declared length over the limit: {@code tooLarge} writes the 413 (a front
     * door's own shape). A streamed body over it is for its reader to answer ({@link #exceeded}).
     */
    public static HttpHandler guard(long maxBody, HttpHandler tooLarge, HttpHandler next) {
        BodyLimit limit = new BodyLimit(maxBody);
        return exchange -> {
            long declared = exchange.getRequestContentLength();
            if (declared > maxBody) {
                if (declared - maxBody > limit.drain || exchange.getRequestHeaders().contains(Headers.EXPECT)) {
                    exchange.setPersistent(false);
                }
                tooLarge.handleRequest(exchange); // Undertow drops the rest of the body of a persistent exchange
                return;
            }
            if (isStreamed(exchange) && exchange.isRequestChannelAvailable()) {
                exchange.addRequestWrapper(limit);
            }
            next.handleRequest(exchange);
        };
    }

    /** Whether this exchange's body is streamed without a declared length and not read yet (so it is counted). */
    public static boolean isStreamed(HttpServerExchange exchange) {
        return exchange.getRequestContentLength() < 0 && !exchange.isRequestComplete();
    }

    /** Whether this exchange's streamed body went over the limit. */
    public static boolean exceeded(HttpServerExchange exchange) {
        return exchange.getAttachment(EXCEEDED) != null;
    }

    @Override
    public StreamSourceConduit wrap(ConduitFactory<StreamSourceConduit> factory, HttpServerExchange exchange) {
        return new Counted(factory.create(), exchange, maxBody, drain);
    }

    /**
     * Counts a body as it is read. The read that passes the limit hands nothing on: a proxied body gets its upstream
     * request aborted (from the IO thread's queue, not from inside this read) and sees no more data; any other reader
     * gets {@link RequestTooBigException}. From then on what arrives is dropped, so the 413 can be answered and the
     * connection used again, up to the drain limit, past which the connection is given up.
     */
    private static final class Counted extends AbstractStreamSourceConduit<StreamSourceConduit> {
        private final HttpServerExchange exchange;
        private final long drain;
        /** What may still be read; negative once past the limit, by how much. */
        private long allowed;
        /** Where dropped bytes go, once past the limit. */
        private ByteBuffer dropped;

        Counted(StreamSourceConduit next, HttpServerExchange exchange, long maxBody, long drain) {
            super(next);
            this.exchange = exchange;
            this.allowed = maxBody;
            this.drain = drain;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (dropped != null) {
                return (int) drop();
            }
            int before = dst.position();
            int n = super.read(dst);
            if (passes(n)) {
                dst.position(before);
                return (int) exceeded();
            }
            return n;
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            if (dropped != null) {
                return drop();
            }
            int[] before = new int[length];
            for (int i = 0; i < length; i++) {
                before[i] = dsts[offset + i].position();
            }
            long n = super.read(dsts, offset, length);
            if (passes(n)) {
                for (int i = 0; i < length; i++) {
                    dsts[offset + i].position(before[i]);
                }
                return exceeded();
            }
            return n;
        }

        /** At most one byte past the limit is transferred before the limit is seen. */
        @Override
        public long transferTo(long position, long count, FileChannel target) throws IOException {
            if (dropped != null) {
                return Math.max(0, drop()); // this variant reports no end: the next read() does
            }
            long n = super.transferTo(position, Math.min(count, allowed + 1), target);
            return passes(n) ? exceeded() : n;
        }

        @Override
        public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
            if (dropped != null) {
                return drop();
            }
            long n = super.transferTo(Math.min(count, allowed + 1), throughBuffer, target);
            return passes(n) ? exceeded() : n;
        }

        private boolean passes(long read) {
            if (read <= 0) {
                return false;
            }
            allowed -= read;
            return allowed < 0;
        }

        private long exceeded() throws RequestTooBigException {
            exchange.putAttachment(EXCEEDED, Boolean.TRUE);
            dropped = ByteBuffer.allocate(8192);
            if (!UpstreamAbort.trigger(exchange)) {
                throw new RequestTooBigException();
            }
            return 0;
        }

        /** Reads and drops all that is there: 0 when that was all for now, -1 at the body's end. */
        private long drop() throws IOException {
            while (true) {
                dropped.clear();
                int n = super.read(dropped);
                if (n <= 0) {
                    return n;
                }
                allowed -= n;
                if (-allowed > drain) {
                    exchange.setPersistent(false);
                    throw new RequestTooBigException();
                }
            }
        }
    }
}
