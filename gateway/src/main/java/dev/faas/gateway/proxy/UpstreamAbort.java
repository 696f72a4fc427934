package dev.faas.gateway.proxy;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;

/**
 * How to cut off a call's upstream request while its body is still arriving: the body went over max_body, missed
 * body_timeout or broke its chunked framing. The proxy registers the action once it has a connection for a call
 * whose body has not arrived whole; whoever finds the body bad triggers it, and the call's answer then comes from
 * {@link UpstreamErrors} (413, 408 or 400). Ending the upstream request the ordinary way would not do: it would end
 * a chunked body cleanly, and the function would take the cut-off body for a whole one.
 */
public final class UpstreamAbort {
    private static final AttachmentKey<Runnable> ACTION = AttachmentKey.create(Runnable.class);

    private UpstreamAbort() {}

    static void register(HttpServerExchange exchange, Runnable action) {
        exchange.putAttachment(ACTION, action);
    }

    /**
     * Runs the registered action from the IO thread's queue (never inside the read that found the problem), once.
     * False when there is none: no upstream request is running for this exchange.
     */
    public static boolean trigger(HttpServerExchange exchange) {
        Runnable action = exchange.removeAttachment(ACTION);
        if (action == null) {
            return false;
        }
        exchange.getIoThread().execute(action);
        return true;
    }
}
