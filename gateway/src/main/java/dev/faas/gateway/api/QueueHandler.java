package dev.faas.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.gateway.config.QueueConfig;
import dev.faas.gateway.queue.CallQueue;
import dev.faas.gateway.queue.QueueStatus;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * GET /system/queue: what is queued now, per function (queued, running, maxInflight, oldestSeconds), the callbacks
 * waiting, whether the store is connected, and the retry settings. 503 with the same shape when it is not.
 */
public final class QueueHandler implements HttpHandler {
    private final CallQueue queue;
    private final QueueConfig config;

    public QueueHandler(CallQueue queue, QueueConfig config) {
        this.queue = queue;
        this.config = config;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this); // it asks NATS
            return;
        }
        QueueStatus status = queue.status();
        ObjectNode root = Api.JSON.createObjectNode();
        root.put("connected", status.connected());
        root.put("detail", status.detail());
        ArrayNode functions = root.putArray("functions");
        for (QueueStatus.FunctionQueue q : status.functions()) {
            functions.addObject().put("name", q.function()).put("queued", q.waiting()).put("running", q.running())
                    .put("maxInflight", q.maxInflight()).put("oldestSeconds", q.oldestSeconds());
        }
        root.put("callbacksPending", status.callbacksPending());
        root.putObject("retries").put("maxAttempts", config.maxAttempts())
                .put("firstWait", config.retryFirst().toString()).put("maxWait", config.retryMax().toString())
                .put("maxAge", config.maxAge().toString()).put("callbackAttempts", config.callbackAttempts());
        exchange.setStatusCode(status.connected() ? 200 : 503);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(Api.JSON.writeValueAsString(root));
    }
}
