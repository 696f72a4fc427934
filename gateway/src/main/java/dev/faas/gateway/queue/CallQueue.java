package dev.faas.gateway.queue;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * Where queued calls and their callbacks are stored until they have run (the provider: NATS JetStream). Storing is
 * confirmed by the store before {@link #enqueue} returns, so a call the caller was told about is on disk.
 */
public interface CallQueue extends AutoCloseable {

    /** Whether the store can take a call now; when not, say why in {@link QueueStatus#detail()}. */
    boolean available();

    /**
     * Stores {@code call} with the body read from {@code body} (the call's own body field is ignored). Returns once
     * the store confirmed it; on any failure nothing of it stays.
     *
     * @throws QueueUnavailableException the store is down or did not confirm in time
     * @throws IOException               the body could not be read (Undertow's RequestTooBigException: over the limit)
     */
    void enqueue(QueuedCall call, InputStream body) throws QueueUnavailableException, IOException;

    /** Stores a callback to be posted; completes once the store confirmed it. */
    CompletableFuture<Void> storeCallback(CallbackRequest callback);

    /**
     * Starts handing stored calls and callbacks to the workers, at most {@code maxInflight(function)} calls of a
     * function at once over every gateway sharing the store. The handlers must not block.
     */
    void start(Consumer<Delivery<QueuedCall>> calls, Consumer<Delivery<CallbackRequest>> callbacks,
               ToIntFunction<String> maxInflight);

    /** Stops handing out work (deliveries under way may still finish). */
    void stopDelivering();

    QueueStatus status();

    @Override
    void close();
}
