package dev.faas.gateway.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A delivery that records what the worker said about it: "done", "retryAfter PT5S", "giveUp" (not stillWorking). */
final class FakeDelivery<T> implements Delivery<T> {
    private final T item;
    private final int attempt;
    private final Instant storedAt;
    private final List<String> said = new ArrayList<>();
    private int stillWorking;

    FakeDelivery(T item, int attempt, Instant storedAt) {
        this.item = item;
        this.attempt = attempt;
        this.storedAt = storedAt;
    }

    @Override
    public T item() {
        return item;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public Instant storedAt() {
        return storedAt;
    }

    @Override
    public synchronized void stillWorking() {
        stillWorking++;
        notifyAll();
    }

    @Override
    public synchronized void done() {
        said.add("done");
    }

    @Override
    public synchronized void retryAfter(Duration wait) {
        said.add("retryAfter " + wait);
    }

    @Override
    public synchronized void giveUp() {
        said.add("giveUp");
    }

    /** What the worker settled it with, in order (normally one entry); empty while it is still running. */
    synchronized List<String> said() {
        return List.copyOf(said);
    }

    synchronized int stillWorkingCount() {
        return stillWorking;
    }

    synchronized void awaitStillWorking(int times) throws InterruptedException {
        long giveUp = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (stillWorking < times) {
            long left = giveUp - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("stillWorking was called " + stillWorking + " times, not " + times);
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }
}
