package dev.faas.gateway.queue;

import java.util.concurrent.CompletableFuture;

/** Posts a function's answer to its callback URL; completes with the status the receiver answered, or
 * exceptionally when there was none (or the URL is refused at sending time). */
public interface CallbackPoster {
    CompletableFuture<Integer> post(CallbackRequest callback);
}
