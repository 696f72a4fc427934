package dev.faas.gateway.queue;

import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/** No queue configured (nats_url empty): every queued call is refused with 503, saying which setting turns it on. */
public final class QueueOff implements CallQueue {
    private static final String WHY = "queued calls are off on this gateway: set nats_url (the stack sets nats://nats:4222)";

    @Override
    public boolean available() {
        return false;
    }

    @Override
    public void enqueue(QueuedCall call, InputStream body) throws QueueUnavailableException {
        throw new QueueUnavailableException(WHY);
    }

    @Override
    public CompletableFuture<Void> storeCallback(CallbackRequest callback) {
        return CompletableFuture.failedFuture(new QueueUnavailableException(WHY));
    }

    @Override
    public void start(Consumer<Delivery<QueuedCall>> calls, Consumer<Delivery<CallbackRequest>> callbacks,
                      ToIntFunction<String> maxInflight) {}

    @Override
    public void stopDelivering() {}

    @Override
    public QueueStatus status() {
        return new QueueStatus(false, WHY, List.of(), 0);
    }

    @Override
    public void close() {}
}
