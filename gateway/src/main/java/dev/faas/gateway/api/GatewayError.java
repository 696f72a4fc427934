package dev.faas.gateway.api;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HttpString;

/**
 * Why the gateway itself answered a function call with an error, as its {@code X-Faas-Error} header says it: a
 * machine-readable mark beside the plain-text message, so a client (the Lambda door among them) tells the gateway's
 * own answers from a function's without reading English. A function cannot forge it: the proxy drops the header from
 * every function's answer ({@link #dropForged}).
 */
public enum GatewayError {
    /** no such function (404), or it was removed while the call waited for it */
    NOT_FOUND("not_found"),
    /** the call is malformed: its function name, its framing, its body (400) */
    BAD_REQUEST("bad_request"),
    /** the body is over its limit (413) */
    TOO_LARGE("too_large"),
    /** the body did not arrive whole within body_timeout (408) */
    BODY_TIMEOUT("body_timeout"),
    /** every upstream connection is taken and upstream_queue full, or scale_from_zero_queue full (503) */
    BUSY("busy"),
    /** no ready replica: none at all, scale_from_zero off, or none within scale_from_zero_timeout (503, 504) */
    NOT_READY("not_ready"),
    /** a replica cannot start, or the function could not be scaled up from zero (503) */
    CANNOT_START("cannot_start"),
    /** a replica could not be reached (502) */
    UNREACHABLE("unreachable"),
    /** the function did not answer within upstream_timeout (504): it may have run */
    TIMEOUT("timeout");

    public static final String HEADER_NAME = "X-Faas-Error";
    public static final HttpString HEADER = new HttpString(HEADER_NAME);
    /** Set on an exchange whose answer the gateway writes itself: its X-Faas-Error is kept. */
    private static final AttachmentKey<GatewayError> WRITTEN = AttachmentKey.create(GatewayError.class);

    private final String token;

    GatewayError(String token) {
        this.token = token;
    }

    /** The header's value. */
    public String token() {
        return token;
    }

    /** The reason a header value names, or null for one not of this vocabulary. */
    public static GatewayError of(String token) {
        for (GatewayError e : values()) {
            if (e.token.equals(token)) {
                return e;
            }
        }
        return null;
    }

    /** Marks the answer about to be written as the gateway's own. */
    void mark(HttpServerExchange exchange) {
        exchange.putAttachment(WRITTEN, this);
        exchange.getResponseHeaders().put(HEADER, token);
    }

    /**
     * Drops an X-Faas-Error the answer carries unless the gateway wrote the answer itself: run as the response is
     * committed, on every proxied call.
     */
    public static void dropForged(HttpServerExchange exchange) {
        if (exchange.getAttachment(WRITTEN) == null) {
            exchange.getResponseHeaders().remove(HEADER);
        }
    }
}
