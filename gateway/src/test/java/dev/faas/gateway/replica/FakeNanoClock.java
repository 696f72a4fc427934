package dev.faas.gateway.replica;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A nanoTime that moves only when the test says so, and counts its readers: {@link HealthProbe} reads it once per
 * watch and once after each failed attempt, so a test can wait for attempts that left no trace on a refused port.
 */
final class FakeNanoClock implements LongSupplier {
    private final AtomicLong nanos = new AtomicLong(System.nanoTime()); // any start: only differences count
    private long reads;

    @Override
    public synchronized long getAsLong() {
        reads++;
        notifyAll();
        return nanos.get();
    }

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    synchronized long reads() {
        return reads;
    }

    /** Waits until the clock has been read at least {@code n} times in all. */
    synchronized void awaitReads(long n) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (reads < n) {
            long left = giveUp - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("the clock was read " + reads + " times, not " + n + ", in 10 s");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }
}
