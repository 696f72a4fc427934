package dev.faas.watchdog.exec;

import dev.faas.watchdog.Log;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * http mode's warm process: started once, watched, and restarted whenever it exits ({@link RestartBackoff}). It
 * counts as up from the moment its address accepts connections until it exits. Its output goes to the container
 * log; its tree (every process carrying its mark) is killed when it exits or the watchdog stops.
 */
public final class UpstreamProcess {
    private static final long PROBE_EVERY_MILLIS = 10;
    private static final long SLOW_START_LOG_MILLIS = 5000;

    private final List<String> command;
    private final String where;
    private final IntPredicate accepts;
    private final Consumer<Boolean> upChanged;
    private final Thread supervisor;
    private volatile boolean up;
    private volatile boolean stopping;
    private volatile ProcessTree tree;

    /**
     * @param where     the upstream URL, for log lines
     * @param accepts   probes the address with a connect timeout in milliseconds
     * @param upChanged told true once the process listens, false when it exits
     */
    public UpstreamProcess(List<String> command, String where, IntPredicate accepts, Consumer<Boolean> upChanged) {
        this.command = List.copyOf(command);
        this.where = where;
        this.accepts = accepts;
        this.upChanged = upChanged;
        this.supervisor = new Thread(this::supervise, "watchdog-upstream");
        this.supervisor.setDaemon(true);
    }

    public void start() {
        supervisor.start();
    }

    /**
     * From the moment it listens until it exits. (Not Process.isAlive(): it is synchronized, and every request asks;
     * a request that finds the process gone before this says so gets a refused connection, answered 503 too.)
     */
    public boolean isUp() {
        return up;
    }

    /** SIGTERM to the process, then the whole tree killed after {@code grace}. */
    public void stop(Duration grace) {
        ProcessTree t;
        synchronized (this) { // no process starts after this; one that started before is in tree
            stopping = true;
            t = tree;
        }
        if (t != null) {
            t.main().destroy();
            try {
                t.main().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            t.killAll();
        }
    }

    private void supervise() {
        RestartBackoff backoff = new RestartBackoff();
        while (!stopping) {
            long started = System.nanoTime();
            Process process = launch();
            long wait;
            if (process != null) {
                awaitListening(process, started);
                int status = waitFor(process);
                tree.sweepAfterExit();
                if (up) {
                    up = false;
                    upChanged.accept(false);
                }
                if (stopping) {
                    return;
                }
                wait = backoff.afterRun(System.nanoTime() - started, false);
                Log.warn("the function's process exited; requests get 503 until it listens again",
                        "status", status, "restart_in", wait + "ms", "fprocess", String.join(" ", command));
            } else {
                wait = backoff.afterFailedStart();
            }
            sleep(wait);
        }
    }

    private Process launch() {
        String program = Programs.find(command.get(0), System.getenv("PATH"));
        if (program == null) {
            Log.error("fprocess program not found on PATH or not executable; fix fprocess or the image",
                    "program", command.get(0));
            return null;
        }
        List<String> argv = new ArrayList<>(command);
        argv.set(0, program);
        ProcessTree t = new ProcessTree();
        ProcessBuilder builder = new ProcessBuilder(argv).inheritIO();
        builder.environment().put(ProcessTree.VARIABLE, t.id());
        try {
            synchronized (this) {
                if (stopping) {
                    return null;
                }
                Process process = builder.start();
                t.started(process);
                tree = t;
                return process;
            }
        } catch (IOException e) {
            Log.error("cannot start fprocess", "fprocess", String.join(" ", command), "error", e.getMessage());
            return null;
        }
    }

    private void awaitListening(Process process, long started) {
        boolean slowLogged = false;
        while (process.isAlive() && !stopping) {
            if (accepts.test(200)) {
                up = true;
                Log.info("the function's process listens", "upstream", where, "pid", process.pid(),
                        "after", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + "ms");
                upChanged.accept(true);
                return;
            }
            if (!slowLogged && System.nanoTime() - started > TimeUnit.MILLISECONDS.toNanos(SLOW_START_LOG_MILLIS)) {
                slowLogged = true;
                Log.warn("the function's process does not listen yet; is upstream_url its address?",
                        "upstream", where, "pid", process.pid());
            }
            sleep(PROBE_EVERY_MILLIS);
        }
    }

    private static int waitFor(Process process) {
        while (true) {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                // the supervisor is only stopped through the stopping flag
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
