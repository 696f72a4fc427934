package dev.faas.gateway.queue;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/** Only storeCallback is used by the worker; its futures are completed by the test. */
final class FakeCallQueue implements CallQueue {
    final List<CallbackRequest> stored = new ArrayList<>();
    final List<CompletableFuture<Void>> results = new ArrayList<>();

    @Override
    public CompletableFuture<Void> storeCallback(CallbackRequest callback) {
        stored.add(callback);
        CompletableFuture<Void> f = new CompletableFuture<>();
        results.add(f);
        return f;
    }

    @Override
    public boolean available() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void enqueue(QueuedCall call, InputStream body) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void start(Consumer<Delivery<QueuedCall>> calls, Consumer<Delivery<CallbackRequest>> callbacks,
                      ToIntFunction<String> maxInflight) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void stopDelivering() {
        throw new UnsupportedOperationException();
    }

    @Override
    public QueueStatus status() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
}
