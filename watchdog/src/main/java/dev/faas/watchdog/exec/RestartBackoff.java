package dev.faas.watchdog.exec;

import java.util.concurrent.TimeUnit;

/**
 * The wait before restarting a warm process that exited (http mode's upstream, lambda mode's runtimes): 100 ms,
 * doubling to 5 s while starts keep failing, back to 100 ms after a run that lasted 10 s or did useful work. The
 * run's length is given, not measured here, so the rule is tested without sleeping.
 */
public final class RestartBackoff {
    static final long FIRST_MILLIS = 100;
    static final long MAX_MILLIS = 5000;
    /** A process that ran this long before exiting is restarted after the first wait again. */
    static final long STABLE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private long nextMillis = FIRST_MILLIS;

    /**
     * A process ended after {@code ranNanos}.
     *
     * @param worked whether it did useful work (lambda mode: it took an invocation): not a process failing in a loop
     * @return the milliseconds to wait before starting it again
     */
    public long afterRun(long ranNanos, boolean worked) {
        if (worked || ranNanos > STABLE_NANOS) {
            nextMillis = FIRST_MILLIS;
        }
        return take();
    }

    /** The process could not be started at all: the milliseconds to wait before trying again. */
    public long afterFailedStart() {
        return take();
    }

    private long take() {
        long wait = nextMillis;
        nextMillis = Math.min(MAX_MILLIS, wait * 2);
        return wait;
    }
}
