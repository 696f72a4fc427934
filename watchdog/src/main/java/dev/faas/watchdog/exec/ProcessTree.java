package dev.faas.watchdog.exec;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;

/**
 * The processes one request started. Each gets a unique mark in its environment ({@value #VARIABLE}) which every
 * process it starts inherits, so the tree is found even after a child was re-parented (its parent exited) or left the
 * process group (setsid). This replaces running each command under setsid, which cost one more exec per request.
 * Public for lambda mode, whose runtime processes are killed the same way.
 */
public final class ProcessTree {
    public static final String VARIABLE = "WATCHDOG_RUN_ID";
    private static final AtomicLong RUNS = new AtomicLong();
    private static final String PREFIX = ProcessHandle.current().pid() + ".";
    private static final int MAX_SWEEPS = 10;
    /** Looks again after 1, 2 and 4 ms for processes caught in the middle of an exec. */
    private static final int MAX_WAITS = 3;
    /** Past this age a full /proc scan is cheap next to the run, and safe even if pids wrapped meanwhile. */
    private static final long RECENT_NANOS = 1_000_000_000L;

    private final String id = PREFIX + RUNS.incrementAndGet();
    private final byte[] entry = (VARIABLE + "=" + id).getBytes(StandardCharsets.UTF_8);
    private final AtomicBoolean sweptAfterExit = new AtomicBoolean();
    private final long startNanos = System.nanoTime();
    private final LongPredicate othersMain;
    private volatile Process main;

    public ProcessTree() {
        this(pid -> false);
    }

    /**
     * @param othersMain true for the main process of another live run: it carries that run's mark, so a sweep need
     *                   not read its environment (at 16 calls at once, most pids near ours are such mains)
     */
    public ProcessTree(LongPredicate othersMain) {
        this.othersMain = othersMain;
    }

    /** The value to give {@value #VARIABLE} in the main process's environment. */
    public String id() {
        return id;
    }

    public void started(Process process) {
        main = process;
    }

    public Process main() {
        return main;
    }

    /** Kills the main process and everything it started (a timeout, an oversized body, shutdown). */
    public void killAll() {
        Process p = main;
        List<ProcessHandle> children = p.descendants().collect(Collectors.toList()); // also unmarked ones
        // The main process first: a shell whose child dies first would report it ("Killed") on the output.
        p.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        sweep();
    }

    /**
     * Kills what the main process left behind once it exited, so a background child neither holds stdout open nor
     * outlives its request. Runs once per request, from whichever of the exit hook or the handler gets here first.
     */
    public void sweepAfterExit() {
        if (sweptAfterExit.compareAndSet(false, true)) {
            sweep();
        }
    }

    /**
     * Repeats until a scan finds none: a marked process may fork between a scan and its kill, and a child that is
     * still exec'ing when its parent exits cannot be read for a moment (then the next scan waits a little).
     */
    private void sweep() {
        boolean recent = System.nanoTime() - startNanos < RECENT_NANOS;
        int waits = 0;
        for (int i = 0; i < MAX_SWEEPS; i++) {
            ProcessScan.Found found = ProcessScan.marked(entry, main.pid(), recent, othersMain);
            if (found.marked().isEmpty() && (found.undecided() == 0 || waits == MAX_WAITS)) {
                return; // an exec ends within milliseconds; what stays unreadable has no environment at all
            }
            for (long pid : found.marked()) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            if (found.marked().isEmpty()) {
                pause(1L << waits++);
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
