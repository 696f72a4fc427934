package dev.faas.gateway.api;

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
 * as if it were whole. Here the read that passes the limit runs the exchange's {@link #onExceeded} action (the
 * proxy resets its upstream connection, so the function sees its request cut off) and fails with
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
    private static final AttachmentKey<Runnable> ON_EXCEEDED = AttachmentKey.create(Runnable.class);
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
        BodyLimit limit = new BodyLimit(maxBody);
        return exchange -> {
            long declared = exchange.getRequestContentLength();
            if (declared > maxBody) {
                if (declared - maxBody > limit.drain || exchange.getRequestHeaders().contains(Headers.EXPECT)) {
                    exchange.setPersistent(false);
                }
                PlainText.tooLarge(exchange, maxBody); // Undertow drops the rest of the body of a persistent exchange
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

    /** What to do first when this exchange's body passes the limit (the proxy aborts its upstream request). */
    public static void onExceeded(HttpServerExchange exchange, Runnable action) {
        exchange.putAttachment(ON_EXCEEDED, action);
    }

    /** Whether this exchange's streamed body went over the limit. */
    public static boolean exceeded(HttpServerExchange exchange) {
        return exchange.getAttachment(EXCEEDED) != null;
    }

    @Override
    public StreamSourceConduit wrap(ConduitFactory<StreamSourceConduit> factory, HttpServerExchange exchange) {
        return new Counted(factory.create(), exchange, maxBody, drain);
    }

    private static final class Counted extends AbstractStreamSourceConduit<StreamSourceConduit> {
        private final HttpServerExchange exchange;
        private final long drain;
        private long allowed;
        private boolean exceeded;

        Counted(StreamSourceConduit next, HttpServerExchange exchange, long maxBody, long drain) {
            super(next);
            this.exchange = exchange;
            this.allowed = maxBody;
            this.drain = drain;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return (int) count(super.read(dst));
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return count(super.read(dsts, offset, length));
        }

        @Override
        public long transferTo(long position, long count, FileChannel target) throws IOException {
            return count(super.transferTo(position, Math.min(count, budget()), target));
        }

        @Override
        public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
            return count(super.transferTo(Math.min(count, budget()), throughBuffer, target));
        }

        /** One byte more than may still be read, so the read that passes the limit is seen. */
        private long budget() {
            return Math.max(1, (exceeded ? drain + allowed : allowed) + 1);
        }

        /** The read that passes max_body fails once; later reads (the drain after the 413) pass, up to its limit. */
        private long count(long read) throws RequestTooBigException {
            if (read <= 0) {
                return read;
            }
            allowed -= read;
            if (exceeded && -allowed > drain) {
                exchange.setPersistent(false);
                throw new RequestTooBigException();
            }
            if (allowed < 0 && !exceeded) {
                exceeded = true;
                exchange.putAttachment(EXCEEDED, Boolean.TRUE);
                Runnable action = exchange.getAttachment(ON_EXCEEDED);
                if (action != null) {
                    action.run();
                }
                throw new RequestTooBigException();
            }
            return read;
        }
    }
}
