package dev.faas.gateway.queue;

import java.util.concurrent.CompletableFuture;

/** Runs a queued call through the same path as a synchronous call; completes with the answer, or exceptionally
 * when there was none. */
public interface Invoker {
    CompletableFuture<Answer> invoke(QueuedCall call);
}
