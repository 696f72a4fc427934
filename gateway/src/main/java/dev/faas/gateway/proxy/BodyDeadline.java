package dev.faas.gateway.proxy;

import dev.faas.gateway.api.GatewayError;
import dev.faas.gateway.api.PlainText;
import io.undertow.server.Connectors;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSourceChannel;

/**
 * body_timeout: a function call's body must arrive whole within it, or the caller gets 408 and the connection is
 * closed (where the body ends is unknown). Armed only for a body that was not all there when its head was read,
 * as one timer on the connection's IO thread (XNIO's scheduler, so the tests drive it with short deadlines, not
 * a clock); the exchange's end cancels it.
 * <p>
 * At the deadline, whoever is reading the body decides how it ends: while the gateway itself reads it
 * ({@link RequestBuffer}, the Alexa route) its {@link #onExpiry} action answers; once the body streams to a function,
 * the upstream request is reset ({@link UpstreamAbort}) and {@link UpstreamErrors} answers; a call still waiting
 * for an upstream connection is reset as soon as it gets one.
 */
public final class BodyDeadline {
    private static final Logger LOG = LoggerFactory.getLogger(BodyDeadline.class);
    private static final AttachmentKey<XnioExecutor.Key> TIMER = AttachmentKey.create(XnioExecutor.Key.class);
    private static final AttachmentKey<Runnable> ON_EXPIRY = AttachmentKey.create(Runnable.class);
    private static final AttachmentKey<Boolean> ARRIVED = AttachmentKey.create(Boolean.class);
    private static final AttachmentKey<Boolean> EXPIRED = AttachmentKey.create(Boolean.class);
    private static final ExchangeCompletionListener CANCEL = (exchange, next) -> {
        cancel(exchange);
        next.proceed();
    };

    private final long millis;

    public BodyDeadline(java.time.Duration timeout) {
        this.millis = Math.max(1, timeout.toMillis());
    }

    /** Starts the clock for this exchange's body, once. */
    public void arm(HttpServerExchange exchange) {
        if (exchange.getAttachment(TIMER) == null && !arrived(exchange)) {
            exchange.putAttachment(TIMER, exchange.getIoThread().executeAfter(() -> expire(exchange), millis,
                    TimeUnit.MILLISECONDS));
            exchange.addExchangeCompleteListener(CANCEL);
        }
    }

    /** What answers at the deadline while the gateway itself reads the body; null when it no longer does. */
    public static void onExpiry(HttpServerExchange exchange, Runnable action) {
        if (action == null) {
            exchange.removeAttachment(ON_EXPIRY);
        } else {
            exchange.putAttachment(ON_EXPIRY, action);
        }
    }

    /** The whole body is in the gateway's memory (read by the gateway, not yet by the proxy): no deadline left. */
    public static void arrived(HttpServerExchange exchange, boolean whole) {
        if (whole) {
            exchange.putAttachment(ARRIVED, Boolean.TRUE);
            cancel(exchange);
        }
        exchange.removeAttachment(ON_EXPIRY);
    }

    /** Whether nothing of the body is left to arrive from the caller. */
    public static boolean arrived(HttpServerExchange exchange) {
        return exchange.isRequestComplete() || exchange.getAttachment(ARRIVED) != null;
    }

    /** Whether the clock runs for this exchange (so a streamed body needs a way to cut its upstream request off). */
    static boolean armed(HttpServerExchange exchange) {
        return exchange.getAttachment(TIMER) != null;
    }

    /** Whether this exchange's body missed its deadline. */
    public static boolean expired(HttpServerExchange exchange) {
        return exchange.getAttachment(EXPIRED) != null;
    }

    /**
     * Stops reading the body and refuses it, the connection closed after the answer: 400 for broken chunked framing
     * ({@link StrictChunks}), else 408. Reads stop first, so whatever was reading the body hears no more of it.
     */
    public void refuse(HttpServerExchange exchange) {
        refuse(exchange, ex -> {
            String malformed = StrictChunks.malformed(ex);
            if (malformed != null) {
                PlainText.error(ex, 400, GatewayError.BAD_REQUEST, StrictChunks.answer(malformed));
            } else {
                send(ex);
            }
        });
    }

    /** The same, answered by {@code answer} (a front door's own shape) unless the response has started. */
    public void refuse(HttpServerExchange exchange, Consumer<HttpServerExchange> answer) {
        StreamSourceChannel channel = Connectors.getExistingRequestChannel(exchange);
        if (channel != null) {
            channel.getReadSetter().set(null);
            channel.suspendReads();
        }
        exchange.setPersistent(false);
        if (exchange.isResponseStarted()) {
            org.xnio.IoUtils.safeClose(exchange.getConnection());
        } else {
            answer.accept(exchange);
        }
    }

    /** body_timeout, in milliseconds. */
    public long millis() {
        return millis;
    }

    /** The 408 itself, for an exchange that no one reads from any more. */
    public void send(HttpServerExchange exchange) {
        exchange.setPersistent(false);
        PlainText.error(exchange, 408, GatewayError.BODY_TIMEOUT, "request body did not arrive whole within"
                + " body_timeout (" + millis + " ms)");
    }

    /** Runs (and forgets) the action of whoever reads the body now; false when there is none. */
    static boolean stopReader(HttpServerExchange exchange) {
        Runnable action = exchange.removeAttachment(ON_EXPIRY);
        if (action == null) {
            return false;
        }
        action.run();
        return true;
    }

    private void expire(HttpServerExchange exchange) {
        exchange.removeAttachment(TIMER);
        if (exchange.isComplete() || arrived(exchange)) {
            return;
        }
        exchange.putAttachment(EXPIRED, Boolean.TRUE);
        LOG.info("event=body_timeout path={} timeout_ms={}", exchange.getRelativePath(), millis);
        if (!stopReader(exchange)) {
            UpstreamAbort.trigger(exchange); // none yet: the call is reset once it gets its connection
        }
    }

    private static void cancel(HttpServerExchange exchange) {
        XnioExecutor.Key timer = exchange.removeAttachment(TIMER);
        if (timer != null) {
            timer.remove();
        }
    }
}
