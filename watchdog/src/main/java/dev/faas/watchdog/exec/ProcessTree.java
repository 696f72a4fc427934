package dev.faas.watchdog.exec;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The processes one request started. With setsid the request's command leads its own process group (pid == pgid),
 * so every process it forks, even one re-parented after its parent exited, is found by group id and killed.
 * Without setsid only the live descendants of the main process can be found.
 */
final class ProcessTree {
    private static final int MAX_SWEEPS = 10;
    /** Past this age a full /proc scan is cheap next to the run, and safe even if pids wrapped meanwhile. */
    private static final long RECENT_NANOS = 1_000_000_000L;

    private final Process main;
    private final boolean ownGroup;
    private final AtomicBoolean sweptAfterExit = new AtomicBoolean();
    private final long startNanos = System.nanoTime();

    ProcessTree(Process main, boolean ownGroup) {
        this.main = main;
        this.ownGroup = ownGroup;
    }

    /** Kills the main process and everything it started (a timeout, an oversized body, shutdown). */
    void killAll() {
        if (ownGroup) {
            main.destroyForcibly(); // in case setsid has not made the group yet
            sweepGroup();
        } else {
            main.descendants().forEach(ProcessHandle::destroyForcibly);
            main.destroyForcibly();
        }
    }

    /**
     * Kills what the main process left behind once it exited, so a background child neither holds stdout open nor
     * outlives its request. Runs once per request, from whichever of the reaper or the handler gets here first.
     */
    void sweepAfterExit() {
        if (ownGroup && sweptAfterExit.compareAndSet(false, true)) {
            sweepGroup();
        }
    }

    /** Repeats until a scan finds no member: a member may fork between a scan and its kill. */
    private void sweepGroup() {
        boolean recent = System.nanoTime() - startNanos < RECENT_NANOS;
        for (int i = 0; i < MAX_SWEEPS; i++) {
            List<Long> members = ProcessGroups.members(main.pid(), recent);
            if (members.isEmpty()) {
                return;
            }
            for (long pid : members) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
