package dev.faas.watchdog.http;

/**
 * Counts exchanges being handled, so a drain ends as soon as the last one is answered. (The JDK server's own
 * stop(delay) always waits the whole delay on JDK 17.)
 */
public final class InFlight {
    private int count;

    public synchronized void enter() {
        count++;
    }

    public synchronized void exit() {
        if (--count == 0) {
            notifyAll();
        }
    }

    /** @return true when none is left, false when the deadline came first */
    public synchronized boolean awaitNone(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (count > 0) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }
}
