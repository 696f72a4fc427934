package dev.faas.watchdog.http;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts requests being handled, so a drain ends as soon as the last one is answered. (The JDK server's own
 * stop(delay) always waits the whole delay on JDK 17.) A counter, not a monitor: every request passes here twice,
 * from as many threads as there are connections, and only a drain waits.
 */
public final class InFlight {
    private static final long POLL_MILLIS = 10;
    private final AtomicInteger count = new AtomicInteger();

    public void enter() {
        count.incrementAndGet();
    }

    public void exit() {
        count.decrementAndGet();
    }

    /** @return true when none is left, false when the deadline came first */
    public boolean awaitNone(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (count.get() > 0) {
            if (System.currentTimeMillis() >= deadline) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }
}
