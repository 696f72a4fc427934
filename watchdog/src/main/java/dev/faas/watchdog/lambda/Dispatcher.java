package dev.faas.watchdog.lambda;

import dev.faas.watchdog.Log;
import dev.faas.watchdog.http.Readiness;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One queue of invocations and the runtimes that take them, under one lock (there are a handful of runtimes, and
 * every step here is a few field writes). Each runtime holds at most one invocation; whoever ends an invocation
 * first (its runtime's answer, the runtime's exit, its deadline) claims it under the lock and builds the caller's
 * answer outside it.
 * <p>
 * Rules that are ours where Lambda's cannot be copied:
 * <ul>
 *   <li>No runtime ready and the last start failed (init/error, or an exit before the first next): calls are
 *       answered 503 with that error at once, and those waiting are, until a start succeeds.</li>
 *   <li>A runtime asking for next while it holds an unanswered invocation: that invocation ends as a 502
 *       Runtime.NoResponse, and the runtime is served the next one (it is evidently alive).</li>
 *   <li>A queued invocation that reaches its deadline: 504 Sandbox.Timedout, and every runtime that could have taken
 *       it all that time but never asked (neither waiting in next nor serving since before it was queued, and for a
 *       runtime still in its init, past lambda_init_timeout) is killed and restarted as stuck.</li>
 * </ul>
 */
final class Dispatcher {
    /** After its deadline, the longest an invocation being ended by another thread can take to be answered. */
    private static final long ENDING_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** An answer posted by a runtime, as the Runtime API reports it. */
    enum Posted { ACCEPTED, UNKNOWN_ID, ALREADY_ANSWERED }

    private final ArrayDeque<Invocation> queue = new ArrayDeque<>();
    private final List<RuntimeSlot> slots = new ArrayList<>();
    private final Readiness readiness;
    private final InvocationLog invocationLog;
    private final long initTimeoutNanos;
    private InitFailure initFailure;
    private boolean ready;
    private boolean initEnded;
    private boolean stopping;

    Dispatcher(Readiness readiness, InvocationLog invocationLog, Duration initTimeout) {
        this.readiness = readiness;
        this.invocationLog = invocationLog;
        this.initTimeoutNanos = initTimeout.toNanos();
    }

    synchronized void add(RuntimeSlot slot) {
        slots.add(slot);
    }

    // ---- the caller's side

    /** Queues the invocation and waits for its end, at most until its deadline (and then a short grace). */
    Ending invoke(Invocation inv) throws InterruptedException {
        InitFailure failed;
        synchronized (this) {
            failed = anyReady() ? null : initFailure;
            if (failed == null) {
                inv.queuedNanos = System.nanoTime();
                queue.addLast(inv);
                notifyAll();
            } else {
                inv.claimEnd();
            }
        }
        if (failed != null) {
            return invocationLog.initFailed(inv, failed);
        }
        Ending ending = inv.await(inv.deadlineNanos() - System.nanoTime());
        if (ending != null) {
            return ending;
        }
        expire(inv);
        ending = inv.await(ENDING_GRACE_NANOS);
        return ending != null ? ending : invocationLog.untaken(inv);
    }

    private void expire(Invocation inv) {
        List<RuntimeSlot> stuck = new ArrayList<>();
        List<RuntimeRun> stuckRuns = new ArrayList<>();
        RuntimeSlot running;
        long initNanos = -1;
        synchronized (this) {
            if (!inv.claimEnd()) {
                return; // being ended by the runtime's answer or exit
            }
            running = inv.slot;
            if (running == null) {
                queue.remove(inv);
                long now = System.nanoTime();
                for (RuntimeSlot s : slots) {
                    if (s.alive && !s.polling && s.current == null && s.idleSinceNanos - inv.queuedNanos <= 0
                            && s.killReason == null
                            && (s.initialized || now - s.startedNanos >= initTimeoutNanos)) {
                        s.killReason = s.initialized ? "it stopped asking for invocations"
                                : "its init did not finish within lambda_init_timeout";
                        stuck.add(s);
                        stuckRuns.add(s.run());
                    }
                }
            } else {
                running.current = null;
                running.idleSinceNanos = System.nanoTime();
                running.killReason = "timeout";
                initNanos = takeInitReport(running);
            }
        }
        if (running != null) {
            Log.warn("invocation timed out; killing the Lambda runtime", "runtime", running.index,
                    "request_id", inv.id, "timeout_ms", TimeUnit.NANOSECONDS.toMillis(inv.limitNanos));
            inv.complete(invocationLog.end(inv, new Completion.TimedOut(), initNanos));
            return;
        }
        for (int i = 0; i < stuck.size(); i++) {
            Log.warn("no Lambda runtime took the invocation before its deadline; killing the runtime as stuck",
                    "runtime", stuck.get(i).index, "request_id", inv.id, "reason", stuck.get(i).killReason);
            stuckRuns.get(i).killTree();
        }
        inv.complete(invocationLog.untaken(inv));
    }

    // ---- the Runtime API's side

    /**
     * GET .../invocation/next: waits for an invocation and hands it to this runtime; null when the connection is
     * stale (its process is gone) or the watchdog stops.
     */
    Invocation next(RuntimeSlot slot, long generation) throws InterruptedException {
        Invocation unanswered = null;
        long unansweredInit = -1;
        long initDone = -1;
        synchronized (this) {
            if (slot.generation != generation || stopping) {
                return null;
            }
            if (slot.current != null) {
                unanswered = slot.current;
                slot.current = null;
                unanswered.claimEnd(); // held by this slot: nobody else ends it (they check slot.current)
                unansweredInit = takeInitReport(slot);
            }
            if (!slot.initialized) {
                slot.initialized = true;
                slot.initNanosToReport = System.nanoTime() - slot.startedNanos;
                initDone = slot.initNanosToReport;
                initFailure = null;
                updateReadiness();
            }
        }
        if (unanswered != null) {
            Log.warn("the Lambda runtime asked for the next invocation without answering its last one",
                    "runtime", slot.index, "request_id", unanswered.id);
            unanswered.complete(invocationLog.end(unanswered, new Completion.Unanswered(), unansweredInit));
        }
        if (initDone >= 0) {
            Log.info("the Lambda runtime is ready", "runtime", slot.index, "init_ms",
                    TimeUnit.NANOSECONDS.toMillis(initDone));
        }
        Invocation inv;
        synchronized (this) {
            slot.polling = true;
            try {
                while (true) {
                    if (slot.generation != generation || stopping) {
                        return null;
                    }
                    // Not before started(): a runtime quick to ask may be here before its run is recorded.
                    inv = slot.alive ? queue.pollFirst() : null;
                    if (inv != null) {
                        break;
                    }
                    wait();
                }
            } finally {
                if (slot.generation == generation) {
                    slot.polling = false; // a stale wait must not clear the flag of the slot's next process
                }
            }
            slot.current = inv;
            slot.servedOne = true; // it took one: not a runtime failing in a loop, so its restart is not delayed
            inv.slot = slot;
            inv.takenNanos = System.nanoTime();
            inv.run = slot.run();
        }
        invocationLog.start(inv);
        return inv;
    }

    /** POST .../invocation/{id}/response or /error. */
    Posted post(RuntimeSlot slot, long generation, String requestId, Completion how) {
        Invocation inv;
        long initNanos;
        synchronized (this) {
            inv = slot.current;
            if (slot.generation != generation || inv == null || !inv.id.equals(requestId)) {
                return requestId.equals(slot.lastAnsweredId) && slot.generation == generation
                        ? Posted.ALREADY_ANSWERED : Posted.UNKNOWN_ID;
            }
            slot.current = null;
            slot.idleSinceNanos = System.nanoTime();
            slot.lastAnsweredId = requestId;
            inv.claimEnd();
            initNanos = takeInitReport(slot);
        }
        inv.complete(invocationLog.end(inv, how, initNanos));
        return Posted.ACCEPTED;
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

    /** The generation a connection accepted now belongs to. */
    synchronized long generation(RuntimeSlot slot) {
        return slot.generation;
    }

    // ---- the supervisor's side

    /** Before a start: a new generation with its state fresh, or -1 when stopping. */
    synchronized long reserve(RuntimeSlot slot) {
        if (stopping) {
            return -1;
        }
        long now = System.nanoTime();
        slot.alive = false;
        slot.initialized = false;
        slot.polling = false;
        slot.current = null;
        slot.killReason = null;
        slot.initErrorPosted = false;
        slot.servedOne = false;
        slot.lastAnsweredId = null;
        slot.initNanosToReport = -1;
        slot.startedNanos = now;
        slot.idleSinceNanos = now;
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
            inv.complete(invocationLog.end(inv, new Completion.Exited(how), initNanos));
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

    // ---- under the lock

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
        initEnded |= anyReady() || initFailure != null;
        boolean now = initEnded;
        if (now != ready) {
            ready = now;
            readiness.upstream(now);
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

    private static long takeInitReport(RuntimeSlot slot) {
        long init = slot.initNanosToReport;
        slot.initNanosToReport = -1;
        return init;
    }

    // ---- outside the lock

    private void answerInitFailed(List<Invocation> failed, InitFailure failure) {
        for (Invocation inv : failed) {
            inv.complete(invocationLog.initFailed(inv, failure));
        }
    }
}
