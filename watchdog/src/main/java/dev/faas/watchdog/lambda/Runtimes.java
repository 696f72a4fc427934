package dev.faas.watchdog.lambda;

import dev.faas.watchdog.Log;
import dev.faas.watchdog.http.Readiness;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The runtimes' lifecycle: starts, exits and init errors, the last init failure and the readiness it gives, the stop.
 * Its monitor is lambda mode's one lock (a handful of runtimes, a few field writes each step): it also guards the
 * queue and the slots' hand-off state, which {@link Dispatcher} works on. Whoever ends an invocation first claims it
 * under the lock and builds the caller's reply outside it. Ours where Lambda's rule cannot be copied: no runtime ready
 * and the last start failed (init/error, an exit before the first next, no fprocess), calls are answered 503 with
 * that error at once, and those waiting are, until a start succeeds.
 */
final class Runtimes {
    /** Queued invocations, oldest first (under this lock, as the slots). */
    final ArrayDeque<Invocation> queue = new ArrayDeque<>();
    final List<RuntimeSlot> slots = new ArrayList<>();
    final InvocationLog invocationLog;
    final long initTimeoutNanos;
    private final Readiness readiness;
    // Under this lock:
    private InitFailure initFailure;
    private boolean initEnded;
    boolean stopping;

    Runtimes(Readiness readiness, InvocationLog invocationLog, Duration initTimeout) {
        this.readiness = readiness;
        this.invocationLog = invocationLog;
        this.initTimeoutNanos = initTimeout.toNanos();
    }

    synchronized void add(RuntimeSlot slot) {
        slots.add(slot);
    }

    /** Before a start: a new generation with its state fresh, or -1 when stopping. */
    synchronized long reserve(RuntimeSlot slot) {
        if (stopping) {
            return -1;
        }
        slot.startingOver(System.nanoTime());
        return ++slot.generation;
    }

    /**
     * The process runs and its run is recorded (it may have asked for next already).
     *
     * @return false when the watchdog began stopping meanwhile: the caller kills it (stop() may have missed it)
     */
    synchronized boolean started(RuntimeSlot slot, long generation) {
        if (slot.generation != generation || stopping) {
            return false;
        }
        slot.alive = true;
        updateReadiness();
        notifyAll();
        return true;
    }

    /** fprocess could not be started: an init failure. */
    void startFailed(RuntimeSlot slot, long generation, InitFailure failure) {
        List<Invocation> failed;
        synchronized (this) {
            if (slot.generation != generation) {
                return;
            }
            slot.generation++;
            initFailure = failure;
            failed = failQueuedIfNoneReady();
            updateReadiness();
        }
        answerInitFailed(failed, failure);
    }

    /**
     * POST .../init/error: recorded for the callers.
     *
     * @return the run to kill (the caller does, once the runtime has its 202), or null for a stale connection
     */
    RuntimeRun initError(RuntimeSlot slot, long generation, InitFailure failure) {
        List<Invocation> failed;
        RuntimeRun run;
        synchronized (this) {
            if (slot.generation != generation) {
                return null;
            }
            run = slot.run();
            slot.initErrorPosted = true;
            slot.killReason = "init error";
            initFailure = failure;
            failed = failQueuedIfNoneReady();
            updateReadiness();
        }
        answerInitFailed(failed, failure);
        return run;
    }

    /**
     * The process exited (and its tree was swept). Its invocation, if any, ends with the exit; an exit before its
     * first next that the watchdog did not cause is an init failure.
     *
     * @return whether this run took an invocation (the backoff starts over)
     */
    boolean exited(RuntimeSlot slot, long generation, String how) {
        Invocation inv;
        long initNanos = -1;
        boolean served;
        List<Invocation> failed = List.of();
        InitFailure failure = null;
        synchronized (this) {
            if (slot.generation != generation) {
                return false;
            }
            slot.generation++; // a wait in next, a connection of this process: stale from now on
            slot.alive = false;
            slot.polling = false;
            inv = slot.current;
            slot.current = null;
            if (inv != null) {
                inv.claimEnd();
                initNanos = takeInitReport(slot);
            }
            served = slot.servedOne;
            if (!slot.initialized && slot.killReason == null && !slot.initErrorPosted && !stopping) {
                failure = InitFailure.exited(how);
                initFailure = failure;
                failed = failQueuedIfNoneReady();
            }
            updateReadiness();
            notifyAll();
        }
        if (inv != null) {
            invocationLog.end(inv, new Completion.Exited(how), initNanos);
        }
        if (failure != null) {
            Log.warn("the Lambda runtime exited before asking for an invocation (init failed)", "runtime",
                    slot.index, "status", how);
            answerInitFailed(failed, failure);
        }
        return served;
    }

    /** The backoff before a restart; false when the watchdog stops meanwhile. */
    synchronized boolean pause(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try {
            while (!stopping) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    synchronized boolean isStopping() {
        return stopping;
    }

    /** The drain's last step: no more starts, SIGTERM to every runtime, then their trees killed after the grace. */
    void stop(Duration grace) {
        List<RuntimeSlot> all;
        synchronized (this) {
            stopping = true;
            notifyAll();
            all = new ArrayList<>(slots);
        }
        for (RuntimeSlot s : all) {
            s.terminate();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (RuntimeSlot s : all) {
            try {
                s.awaitExit(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            s.killTree();
        }
    }

    // ---- under the lock, for the hand-off

    /**
     * The slot's process asked for its first invocation: its init is done.
     *
     * @return the init's duration in nanoseconds
     */
    long initDone(RuntimeSlot slot) {
        slot.initialized = true;
        slot.initNanosToReport = System.nanoTime() - slot.startedNanos;
        initFailure = null;
        updateReadiness();
        return slot.initNanosToReport;
    }

    /** The error a call gets at once: no runtime is ready and the last start failed; else null. */
    InitFailure failureIfNoneReady() {
        return anyReady() ? null : initFailure;
    }

    /** The init duration for the REPORT of the slot's first invocation, once; else -1. */
    static long takeInitReport(RuntimeSlot slot) {
        long init = slot.initNanosToReport;
        slot.initNanosToReport = -1;
        return init;
    }

    private boolean anyReady() {
        for (RuntimeSlot s : slots) {
            if (s.alive && s.initialized) {
                return true;
            }
        }
        return false;
    }

    /**
     * Healthy once the first init has ended, whichever way, and from then on: a replica whose runtime failed to start
     * or is restarting still answers every call (waiting for the runtime, or with its init error at once), as a Lambda
     * function with a broken init stays invokable and says why. Were it unhealthy, Swarm would keep it out of routing
     * and kill it, and callers would see the gateway's timeout instead of the runtime's own error.
     */
    private void updateReadiness() {
        if (!initEnded && (anyReady() || initFailure != null)) {
            initEnded = true;
            readiness.upstream(true);
        }
    }

    private List<Invocation> failQueuedIfNoneReady() {
        if (anyReady() || queue.isEmpty()) {
            return List.of();
        }
        List<Invocation> failed = new ArrayList<>(queue);
        queue.clear();
        for (Invocation inv : failed) {
            inv.claimEnd();
        }
        return failed;
    }

    // ---- outside the lock

    private void answerInitFailed(List<Invocation> failed, InitFailure failure) {
        for (Invocation inv : failed) {
            inv.complete(invocationLog.initFailed(inv, failure));
        }
    }
}
