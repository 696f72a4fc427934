package dev.faas.gateway.queue;

import java.time.Instant;
import java.util.List;

/**
 * A function call accepted for later: what the caller sent, kept until it has run.
 *
 * @param id          the call's id, answered as X-Call-Id and sent with the call and its callback
 * @param function    the function's name (as the registry knows it, without a namespace suffix)
 * @param method      the HTTP method
 * @param path        what follows the function's name in the path, as sent ("" or "/...")
 * @param query       the raw query string, without '?' ("" when none)
 * @param headers     the caller's headers, hop-by-hop ones and the gateway's own left out
 * @param callbackUrl where the answer is posted, or null
 * @param acceptedAt  when the gateway accepted it
 * @param body        the body (loaded whole when the call runs)
 */
public record QueuedCall(String id, String function, String method, String path, String query, List<Header> headers,
                         String callbackUrl, Instant acceptedAt, byte[] body) {
    public QueuedCall {
        headers = List.copyOf(headers);
    }

    public QueuedCall withBody(byte[] newBody) {
        return new QueuedCall(id, function, method, path, query, headers, callbackUrl, acceptedAt, newBody);
    }
}
