package dev.faas.gateway.config;

import java.time.Duration;
import java.util.List;

/**
 * The settings of queued calls ({@code /async-function}), read with the gateway's others ({@link GatewayConfig}).
 *
 * @param natsUrl          the NATS server (JetStream) calls are stored in; empty: queued calls are off and
 *                         /async-function answers 503 ({@code nats_url}, empty; the stack sets nats://nats:4222)
 * @param maxBody          largest body of a queued call before 413; bodies over NATS's message size are stored in
 *                         its object store ({@code async_max_body}, 32m)
 * @param maxInflight      calls of one function run at once from the queue, over every gateway, unless its label
 *                         {@code com.openfaas.queue.max_inflight} says otherwise ({@code async_max_inflight}, 8)
 * @param maxAttempts      tries of a call that gets 429, 502, 503, 504 or no answer, before it is failed
 *                         ({@code async_max_attempts}, 5)
 * @param retryFirst       wait before the first retry; it doubles each time ({@code async_retry_first}, 1s)
 * @param retryMax         longest wait between two tries ({@code async_retry_max}, 30s)
 * @param maxAge           a call this long after it was accepted is not tried again: it fails
 *                         ({@code async_max_age}, 1h)
 * @param ackWait          a call whose worker stops reporting for this long (it died) is handed to another
 *                         ({@code async_ack_wait}, 30s)
 * @param callbackAttempts tries of a callback that gets no answer, 429 or 5xx ({@code async_callback_attempts}, 8)
 * @param callbackAllow    host names or addresses a callback may reach although they are the platform's own
 *                         ({@code async_callback_allow}, comma-separated, empty)
 * @param publishTimeout   longest wait for NATS to confirm a call is stored before 503 ({@code async_publish_timeout}, 5s)
 */
public record QueueConfig(
        String natsUrl,
        long maxBody,
        int maxInflight,
        int maxAttempts,
        Duration retryFirst,
        Duration retryMax,
        Duration maxAge,
        Duration ackWait,
        int callbackAttempts,
        List<String> callbackAllow,
        Duration publishTimeout) {

    public QueueConfig {
        callbackAllow = List.copyOf(callbackAllow);
    }

    public boolean enabled() {
        return !natsUrl.isEmpty();
    }
}
