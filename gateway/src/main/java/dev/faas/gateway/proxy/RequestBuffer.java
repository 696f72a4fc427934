package dev.faas.gateway.proxy;

import dev.faas.gateway.api.BodyLimit;
import dev.faas.gateway.api.GatewayError;
import dev.faas.gateway.api.PlainText;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.AbstractServerConnection;
import io.undertow.server.Connectors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpContinue;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSourceChannel;

/**
 * request_buffer: a function call's body of at most that many bytes is read whole, into the server's pooled
 * buffers, before the call asks for an upstream connection, so a caller that sends slowly or stops holds none of a
 * function's pool (as nginx's proxy_request_buffering). A larger body, or a chunked one that outgrows the buffer,
 * streams to the function from where the buffer ends. Every body that has not arrived by the time the head is read
 * runs against body_timeout ({@link BodyDeadline}).
 * <p>
 * Undertow's RequestBufferingHandler does the reading part but does not fit: a read error while it waits for more
 * (a chunk size refused by {@link StrictChunks}, a body over max_body) ends the exchange with an empty 200, it
 * cannot be stopped at a deadline, it skips {@code Expect: 100-continue} bodies and it reads the first buffers of a
 * body declared larger than it holds anyway.
 * <p>
 * Cost per call: none when the body came with the head (the common case for a small Content-Length body: it is
 * checked in the connection's read buffer, not copied); otherwise one copy of the body into pooled buffers and a
 * few small objects, plus the deadline's timer when the body is not all there. {@code Expect: 100-continue} is
 * answered here (the function gets the body, not the expectation).
 */
final class RequestBuffer {
    private final long limit;
    private final BodyDeadline deadline;
    private final long maxBody;

    RequestBuffer(long limit, BodyDeadline deadline, long maxBody) {
        this.limit = limit;
        this.deadline = deadline;
        this.maxBody = maxBody;
    }

    /** Runs {@code next} (the proxy) once the body is in memory, or at once when it is to stream. */
    void thenForward(HttpServerExchange exchange, HttpHandler next) throws Exception {
        if (BodyDeadline.arrived(exchange)) {
            next.handleRequest(exchange);
            return;
        }
        long declared = exchange.getRequestContentLength();
        if (declared >= 0 && alreadyRead(exchange) >= declared) {
            next.handleRequest(exchange); // it came with the head: the proxy forwards it without waiting
            return;
        }
        if (limit == 0 || declared > limit) {
            deadline.arm(exchange);
            next.handleRequest(exchange);
            return;
        }
        Reading reading = new Reading(exchange, next, declared >= 0 ? declared : limit);
        if (HttpContinue.requiresContinueResponse(exchange)) {
            // The caller waits for a 100 before it sends; after the handler returns (dispatch), from the IO thread.
            exchange.dispatch(SameThreadExecutor.INSTANCE, () -> HttpContinue.sendContinueResponse(exchange, reading));
        } else {
            reading.start(true);
        }
    }

    /** Bytes of the body (and maybe of requests after it) read from the socket with the head, not yet consumed. */
    private static long alreadyRead(HttpServerExchange exchange) {
        if (exchange.getConnection() instanceof AbstractServerConnection c) {
            PooledByteBuffer extra = c.getExtraBytes();
            return extra == null ? 0 : extra.getBuffer().remaining();
        }
        return 0;
    }

    /** One body being read: its buffers, filled in order, and what runs when it is whole or too large to hold. */
    private final class Reading implements ChannelListener<StreamSourceChannel>, IoCallback, Runnable {
        private final HttpServerExchange exchange;
        private final HttpHandler next;
        private final PooledByteBuffer[] buffers;
        private int filled;
        private long room;
        private PooledByteBuffer current;
        private StreamSourceChannel channel;

        Reading(HttpServerExchange exchange, HttpHandler next, long room) {
            this.exchange = exchange;
            this.next = next;
            this.room = room;
            int size = exchange.getConnection().getByteBufferPool().getBufferSize();
            this.buffers = new PooledByteBuffer[(int) Math.max(1, (room + size - 1) / size)];
        }

        /** Reads what is there; forwards when done ({@code inCall}: from within the handler), else waits for more. */
        void start(boolean inCall) throws Exception {
            channel = exchange.getRequestChannel();
            int r;
            try {
                r = fill();
            } catch (IOException e) {
                failed(e);
                return;
            }
            if (r == 0) {
                deadline.arm(exchange);
                BodyDeadline.onExpiry(exchange, this);
                channel.getReadSetter().set(this);
                channel.resumeReads();
                return;
            }
            handOn(r < 0, inCall);
        }

        @Override
        public void handleEvent(StreamSourceChannel ignored) {
            int r;
            try {
                r = fill();
            } catch (IOException e) {
                failed(e);
                return;
            }
            if (r != 0) {
                channel.getReadSetter().set(null);
                channel.suspendReads();
                handOn(r < 0, false);
            }
        }

        /** -1: the body ended; 1: the buffer is full (the rest streams); 0: nothing more for now. */
        private int fill() throws IOException {
            while (true) {
                if (current == null) {
                    if (room == 0) {
                        return exchange.getRequestContentLength() >= 0 ? -1 : 1;
                    }
                    current = exchange.getConnection().getByteBufferPool().allocate();
                    ByteBuffer b = current.getBuffer();
                    b.limit((int) Math.min(b.capacity(), room));
                }
                ByteBuffer b = current.getBuffer();
                int n = channel.read(b);
                if (n < 0) {
                    keep();
                    return -1;
                }
                if (n == 0) {
                    if (StrictChunks.malformed(exchange) != null) {
                        throw new IOException("malformed chunked body"); // answered 400 by failed()
                    }
                    return 0;
                }
                room -= n;
                if (!b.hasRemaining()) {
                    keep();
                }
            }
        }

        /** Puts the current buffer, if it holds anything, after the others. */
        private void keep() {
            if (current.getBuffer().position() == 0) {
                current.close();
            } else {
                current.getBuffer().flip();
                buffers[filled++] = current;
            }
            current = null;
        }

        /** The buffered bytes become the body's first bytes for the proxy; the rest, if any, streams after them. */
        private void handOn(boolean whole, boolean inCall) {
            BodyDeadline.arrived(exchange, whole);
            if (filled > 0) {
                Connectors.ungetRequestBytes(exchange, buffers);
            }
            Connectors.resetRequestChannel(exchange);
            if (!whole) {
                deadline.arm(exchange);
            }
            if (inCall) {
                try {
                    next.handleRequest(exchange);
                } catch (Exception e) {
                    throw new IllegalStateException("forwarding a buffered call failed", e);
                }
            } else {
                Connectors.executeRootHandler(next, exchange);
            }
        }

        /** At body_timeout, still reading: 408. */
        @Override
        public void run() {
            release();
            deadline.refuse(exchange);
        }

        /** The 100 Continue went out: the caller sends the body now, and the function gets no Expect. */
        @Override
        public void onComplete(HttpServerExchange ex, Sender sender) {
            exchange.getRequestHeaders().remove(Headers.EXPECT);
            try {
                start(false);
            } catch (Exception e) {
                release();
                IoUtils.safeClose(exchange.getConnection());
            }
        }

        @Override
        public void onException(HttpServerExchange ex, Sender sender, IOException exception) {
            IoUtils.safeClose(exchange.getConnection());
        }

        /** A framing error (400), a chunked body over max_body (413, its rest dropped by BodyLimit) or a broken caller. */
        private void failed(IOException e) {
            release();
            BodyDeadline.arrived(exchange, false);
            if (channel != null) {
                channel.getReadSetter().set(null);
                channel.suspendReads();
            }
            String malformed = StrictChunks.malformed(exchange);
            if (BodyLimit.exceeded(exchange)) {
                PlainText.tooLarge(exchange, maxBody);
            } else if (malformed != null) {
                exchange.setPersistent(false);
                PlainText.error(exchange, 400, GatewayError.BAD_REQUEST, StrictChunks.answer(malformed));
            } else {
                IoUtils.safeClose(exchange.getConnection()); // the caller's connection broke: no one to answer
            }
        }

        private void release() {
            for (int i = 0; i < filled; i++) {
                buffers[i].close();
                buffers[i] = null;
            }
            filled = 0;
            if (current != null) {
                current.close();
                current = null;
            }
        }
    }
}
