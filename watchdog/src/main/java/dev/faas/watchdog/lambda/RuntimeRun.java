package dev.faas.watchdog.lambda;

import dev.faas.watchdog.exec.ProcessTree;
import java.util.concurrent.TimeUnit;

/**
 * One process of a runtime slot, from its start to its exit: its tree (killed as a whole) and its output reader. An
 * invocation keeps the run that took it, so whatever ends it acts on that process, never on the slot's next one.
 */
final class RuntimeRun {
    final ProcessTree tree;
    final RuntimeOutput output;
    private volatile int lastPeakMb;

    RuntimeRun(ProcessTree tree, RuntimeOutput output) {
        this.tree = tree;
        this.output = output;
    }

    long pid() {
        return tree.main().pid();
    }

    /**
     * The main process's peak resident memory in MB (VmHWM), or the last figure read once it is gone. The main
     * process, not the container's cgroup: memory.peak would count the watchdog's own JVM, and cgroup v1 (these
     * machines) has no such file.
     */
    int peakMb() {
        int now = MemorySize.peakMb(pid());
        if (now > 0) {
            lastPeakMb = now;
        }
        return lastPeakMb;
    }

    /** Kills the process and everything it started; the slot's supervisor then restarts it. */
    void killTree() {
        tree.killAll();
    }

    void terminate() {
        tree.main().destroy();
    }

    boolean awaitExit(long millis) throws InterruptedException {
        return tree.main().waitFor(millis, TimeUnit.MILLISECONDS);
    }
}
