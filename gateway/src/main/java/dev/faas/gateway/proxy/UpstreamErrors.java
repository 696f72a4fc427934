package dev.faas.gateway.proxy;

import dev.faas.gateway.api.BodyLimit;
import dev.faas.gateway.api.GatewayError;
import dev.faas.gateway.api.PlainText;
import dev.faas.gateway.config.GatewayConfig;
import io.undertow.server.DefaultResponseListener;
import io.undertow.server.HttpServerExchange;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the proxy's own bodiless failures their meaning and a short text body. Runs only when the exchange ends
 * without a response having started, i.e. never for an answer the function sent (its 500 or 503 pass through).
 * Undertow's proxy ends with 503 when it cannot connect or the connection breaks, 500 on an I/O error, and 504 at
 * upstream_timeout; a gateway that could not reach an upstream answers 502. A streamed body whose upstream request
 * was cut off answers for why: over max_body 413 (see BodyLimit), past body_timeout 408 (BodyDeadline), broken
 * chunked framing 400 (StrictChunks); the last two close the connection. Each is marked {@code X-Faas-Error}
 * ({@link GatewayError}).
 */
final class UpstreamErrors implements DefaultResponseListener {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamErrors.class);
    private final String function;
    private final Duration timeout;
    private final long maxBody;
    private final int queue;
    private final BodyDeadline deadline;

    UpstreamErrors(String function, GatewayConfig config, BodyDeadline deadline) {
        this.function = function;
        this.deadline = deadline;
        this.timeout = config.upstreamTimeout();
        this.maxBody = config.maxBody();
        this.queue = config.upstreamQueue();
    }

    @Override
    public boolean handleDefaultResponse(HttpServerExchange exchange) {
        if (BodyLimit.exceeded(exchange)) {
            PlainText.tooLarge(exchange, maxBody);
            return true;
        }
        if (BodyDeadline.expired(exchange)) {
            deadline.send(exchange);
            return true;
        }
        String malformed = StrictChunks.malformed(exchange);
        if (malformed != null) {
            exchange.setPersistent(false);
            PlainText.error(exchange, 400, GatewayError.BAD_REQUEST, StrictChunks.answer(malformed));
            return true;
        }
        int status = exchange.getStatusCode();
        if (status == 504) {
            // The call stays open upstream until the function ends, and then Undertow closes the caller's connection
            // of that call: were it kept alive, it would be cut under whatever call the caller sent next.
            exchange.setPersistent(false);
            LOG.info("event=upstream_timeout function={} timeout={}", function, timeout);
            PlainText.error(exchange, 504, GatewayError.TIMEOUT, "function \"" + function + "\" did not answer within "
                    + timeout.toSeconds() + " s");
            return true;
        }
        if (exchange.getAttachment(FunctionProxyClient.QUEUE_FULL) != null) {
            LOG.info("event=upstream_queue_full function={} upstream_queue={}", function, queue);
            PlainText.error(exchange, 503, GatewayError.BUSY, "function \"" + function + "\" is busy: every connection"
                    + " to its replicas is in use and " + queue + " calls already wait (upstream_queue); try again"
                    + " shortly");
            return true;
        }
        if (status == 503 || status == 500) {
            LOG.info("event=upstream_unreachable function={}", function);
            PlainText.error(exchange, 502, GatewayError.UNREACHABLE, "could not reach function \"" + function + "\"");
            return true;
        }
        return false;
    }
}
