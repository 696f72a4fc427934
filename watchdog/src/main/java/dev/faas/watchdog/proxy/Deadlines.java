package dev.faas.watchdog.proxy;

import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Deadlines of requests and of idle connections, kept by one thread. Two cheaper stand-ins for what they replace:
 * a ScheduledExecutorService wakes its thread whenever a new task becomes the earliest, which at one connection is
 * every request (a context switch each); and a socket read timeout turns every read into read + poll + read.
 * Here a deadline is only added to a queue. The thread wakes at the earliest deadline, at least every
 * {@value #MAX_SLEEP_MILLIS} ms to drop finished ones, and is woken early only by a deadline earlier than its plan.
 */
final class Deadlines {
    private static final long MIN_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_SLEEP_MILLIS = 100;

    private final ConcurrentLinkedQueue<Watch> watches = new ConcurrentLinkedQueue<>();
    private final Thread thread = new Thread(this::loop, "watchdog-deadlines");
    /** When the thread plans to look next (System.nanoTime), Long.MAX_VALUE while it waits for any work. */
    private volatile long nextLook = Long.MAX_VALUE;

    Deadlines() {
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code onExpiry} once, {@code nanos} from now, unless the watch is cancelled first. */
    Watch watch(long nanos, Runnable onExpiry) {
        Watch w = new Watch(System.nanoTime() + nanos, onExpiry);
        watches.add(w);
        if (w.deadline - nextLook < 0) {
            LockSupport.unpark(thread);
        }
        return w;
    }

    private void loop() {
        while (true) {
            long now = System.nanoTime();
            long earliest = Long.MAX_VALUE;
            for (Iterator<Watch> it = watches.iterator(); it.hasNext(); ) {
                Watch w = it.next();
                if (w.finished.get()) {
                    it.remove();
                } else if (now - w.deadline >= 0) {
                    it.remove();
                    w.expire();
                } else if (earliest == Long.MAX_VALUE || w.deadline - earliest < 0) {
                    earliest = w.deadline;
                }
            }
            if (earliest == Long.MAX_VALUE) {
                nextLook = Long.MAX_VALUE;
                if (watches.isEmpty()) {
                    LockSupport.park(this);
                }
                continue;
            }
            long sleep = Math.max(MIN_SLEEP_NANOS,
                    Math.min(earliest - now, TimeUnit.MILLISECONDS.toNanos(MAX_SLEEP_MILLIS)));
            nextLook = now + sleep;
            LockSupport.parkNanos(this, sleep);
        }
    }

    /** One deadline; {@link #cancel} it when the work ended first. */
    static final class Watch {
        private final long deadline;
        private final Runnable onExpiry;
        private final AtomicBoolean finished = new AtomicBoolean();

        Watch(long deadline, Runnable onExpiry) {
            this.deadline = deadline;
            this.onExpiry = onExpiry;
        }

        void cancel() {
            finished.set(true);
        }

        private void expire() {
            if (finished.compareAndSet(false, true)) {
                try {
                    onExpiry.run();
                } catch (RuntimeException e) {
                    // an expiry only closes a socket; a failure there must not stop the other deadlines
                }
            }
        }
    }
}
