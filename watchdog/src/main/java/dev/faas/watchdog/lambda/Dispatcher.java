package dev.faas.watchdog.lambda;

import dev.faas.watchdog.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The hand-off between callers and runtimes, under the lock of {@link Runtimes} (which starts and restarts them): a
 * caller queues an invocation and waits; a runtime's next takes the oldest; its answer, its exit or the deadline
 * ends it, whichever comes first.
 * <p>
 * Rules that are ours where Lambda's cannot be copied:
 * <ul>
 *   <li>One waiting next per runtime: a next that arrives while an older one of the same runtime still waits (a long
 *       poll the runtime gave up on, its socket closed unseen) makes the older one return unanswered.</li>
 *   <li>An invocation whose event cannot reach its runtime (the connection was closed before the write, or the write
 *       failed) goes back to the head of the queue.</li>
 *   <li>A runtime asking for next while it holds an unanswered invocation: that invocation ends as a 502
 *       Runtime.NoResponse, and the runtime is served the next one (it is evidently alive).</li>
 *   <li>A queued invocation that reaches its deadline: 504 Sandbox.Timedout, and every runtime that could have taken
 *       it all that time but never asked (neither waiting in next nor serving since before it was queued, and for a
 *       runtime still in its init, past lambda_init_timeout) is killed and restarted as stuck.</li>
 * </ul>
 */
final class Dispatcher {
    /** After its deadline, the longest an invocation being ended by another thread can take to be answered. */
    private static final long ENDING_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** An answer posted by a runtime, as the Runtime API reports it. */
    enum Posted { ACCEPTED, UNKNOWN_ID, ALREADY_ANSWERED }

    private final Runtimes runtimes;
    private final InvocationLog invocationLog;

    Dispatcher(Runtimes runtimes) {
        this.runtimes = runtimes;
        this.invocationLog = runtimes.invocationLog;
    }

    // ---- the caller's side

    /** Queues the invocation and waits for its end, at most until its deadline (and then a short grace). */
    Reply invoke(Invocation inv) throws InterruptedException {
        InitFailure failed;
        synchronized (runtimes) {
            failed = runtimes.failureIfNoneReady();
            if (failed == null) {
                inv.queuedNanos = System.nanoTime();
                runtimes.queue.addLast(inv);
                runtimes.notifyAll();
            } else {
                inv.claimEnd();
            }
        }
        if (failed != null) {
            return invocationLog.initFailed(inv, failed);
        }
        Reply reply = inv.await(inv.deadlineNanos() - System.nanoTime());
        if (reply != null) {
            return reply;
        }
        expire(inv);
        reply = inv.await(ENDING_GRACE_NANOS);
        return reply != null ? reply : invocationLog.untaken(inv);
    }

    private void expire(Invocation inv) {
        List<RuntimeSlot> stuck = new ArrayList<>();
        List<RuntimeRun> stuckRuns = new ArrayList<>();
        RuntimeSlot running;
        long initNanos = -1;
        synchronized (runtimes) {
            if (!inv.claimEnd()) {
                return; // being ended by the runtime's answer or exit
            }
            running = inv.slot;
            if (running == null) {
                runtimes.queue.remove(inv);
                findStuck(inv, stuck, stuckRuns);
            } else if (running.current == inv && running.run() == inv.run) {
                running.current = null;
                running.idleSinceNanos = System.nanoTime();
                running.killReason = "timeout";
                initNanos = Runtimes.takeInitReport(running);
            }
            // else its slot went on without ending it (its supervisor failed): only the run that took it is killed
        }
        if (running != null) {
            Log.warn("invocation timed out; killing the Lambda runtime", "runtime", running.index,
                    "request_id", inv.id, "timeout_ms", TimeUnit.NANOSECONDS.toMillis(inv.limitNanos));
            invocationLog.end(inv, new Completion.TimedOut(), initNanos); // kills the tree of inv's run
            return;
        }
        for (int i = 0; i < stuck.size(); i++) {
            Log.warn("no Lambda runtime took the invocation before its deadline; killing the runtime as stuck",
                    "runtime", stuck.get(i).index, "request_id", inv.id, "reason", stuck.get(i).killReason);
            stuckRuns.get(i).killTree();
        }
        inv.complete(invocationLog.untaken(inv));
    }

    /** Under the lock: the runtimes that could have taken {@code inv} all along, marked for killing. */
    private void findStuck(Invocation inv, List<RuntimeSlot> stuck, List<RuntimeRun> stuckRuns) {
        long now = System.nanoTime();
        for (RuntimeSlot s : runtimes.slots) {
            if (s.alive && !s.polling && s.current == null && s.idleSinceNanos - inv.queuedNanos <= 0
                    && s.killReason == null
                    && (s.initialized || now - s.startedNanos >= runtimes.initTimeoutNanos)) {
                s.killReason = s.initialized ? "it stopped asking for invocations"
                        : "its init did not finish within lambda_init_timeout";
                stuck.add(s);
                stuckRuns.add(s.run());
            }
        }
    }

    // ---- the Runtime API's side

    /**
     * GET .../invocation/next: waits for an invocation and hands it to this runtime, START logged; null when the
     * connection is stale (its process is gone), a newer next of the runtime replaced this one, the connection was
     * closed before the invocation could be sent ({@code connectionOpen}), or the watchdog stops.
     */
    Invocation next(RuntimeSlot slot, long generation, BooleanSupplier connectionOpen) throws InterruptedException {
        Invocation unanswered = null;
        long unansweredInit = -1;
        long initDone = -1;
        long waiter;
        synchronized (runtimes) {
            if (slot.generation != generation || runtimes.stopping) {
                return null;
            }
            waiter = ++slot.waiter;
            runtimes.notifyAll(); // an older next of this runtime, still waiting, returns
            if (slot.current != null) {
                unanswered = slot.current;
                slot.current = null;
                unanswered.claimEnd(); // held by this slot: nobody else ends it (they check slot.current)
                unansweredInit = Runtimes.takeInitReport(slot);
            }
            if (!slot.initialized) {
                initDone = runtimes.initDone(slot);
            }
        }
        if (unanswered != null) {
            Log.warn("the Lambda runtime asked for the next invocation without answering its last one",
                    "runtime", slot.index, "request_id", unanswered.id);
            invocationLog.end(unanswered, new Completion.Unanswered(), unansweredInit);
        }
        if (initDone >= 0) {
            Log.info("the Lambda runtime is ready", "runtime", slot.index, "init_ms",
                    TimeUnit.NANOSECONDS.toMillis(initDone));
        }
        Invocation inv;
        synchronized (runtimes) {
            try {
                while (true) {
                    if (slot.generation != generation || runtimes.stopping || slot.waiter != waiter) {
                        return null;
                    }
                    slot.polling = true;
                    // Only to a process whose run is recorded (a runtime quick to ask may be here before started())
                    // and that is not marked for killing, and one invocation at a time.
                    inv = slot.alive && slot.killReason == null && slot.current == null
                            ? runtimes.queue.pollFirst() : null;
                    if (inv != null) {
                        break;
                    }
                    runtimes.wait();
                }
            } finally {
                if (slot.waiter == waiter) {
                    slot.polling = false; // a replaced wait must not clear the flag of the one that replaced it
                }
            }
            slot.current = inv;
            slot.servedOne = true; // it took one: not a runtime failing in a loop, so its restart is not delayed
            inv.slot = slot;
            inv.takenNanos = System.nanoTime();
            inv.run = slot.run();
        }
        if (!connectionOpen.getAsBoolean()) {
            untake(slot, inv);
            return null;
        }
        invocationLog.start(inv);
        return inv;
    }

    /**
     * The invocation's event did not reach the runtime (its connection was closed, or the write failed): unless it
     * ended meanwhile, it goes back to the head of the queue, for this runtime's next next or another runtime.
     */
    void untake(RuntimeSlot slot, Invocation inv) {
        synchronized (runtimes) {
            if (slot.current != inv) {
                return; // ended meanwhile (its deadline, the runtime's exit)
            }
            slot.current = null;
            slot.idleSinceNanos = System.nanoTime(); // it held one until now: not stuck for what is queued
            inv.run.output.end();
            if (inv.log != null) {
                inv.log.clear(); // a START may be in it already: it is logged again when a runtime takes it
            }
            inv.slot = null;
            inv.run = null;
            runtimes.queue.addFirst(inv);
            runtimes.notifyAll();
        }
        Log.info("the Lambda runtime's connection closed before its invocation reached it; queued again",
                "runtime", slot.index, "request_id", inv.id);
    }

    /** POST .../invocation/{id}/response or /error. */
    Posted post(RuntimeSlot slot, long generation, String requestId, Completion how) {
        Invocation inv;
        long initNanos;
        synchronized (runtimes) {
            inv = slot.current;
            if (slot.generation != generation || inv == null || !inv.id.equals(requestId)) {
                return requestId.equals(slot.lastAnsweredId) && slot.generation == generation
                        ? Posted.ALREADY_ANSWERED : Posted.UNKNOWN_ID;
            }
            slot.current = null;
            slot.idleSinceNanos = System.nanoTime();
            slot.lastAnsweredId = requestId;
            inv.claimEnd();
            initNanos = Runtimes.takeInitReport(slot);
        }
        invocationLog.end(inv, how, initNanos);
        return Posted.ACCEPTED;
    }

    /** The generation a connection accepted now belongs to. */
    long generation(RuntimeSlot slot) {
        synchronized (runtimes) {
            return slot.generation;
        }
    }
}
