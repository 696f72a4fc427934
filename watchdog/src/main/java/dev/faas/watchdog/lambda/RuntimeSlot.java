package dev.faas.watchdog.lambda;

import dev.faas.watchdog.Log;
import dev.faas.watchdog.exec.ProcessTree;
import dev.faas.watchdog.exec.Programs;
import dev.faas.watchdog.exec.RestartBackoff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One runtime process and its place in the rotation: started at the watchdog's start, served the Runtime API on
 * its own port, one invocation at a time, restarted whenever it exits ({@link RestartBackoff}, as http mode's
 * process; a run that served an invocation counts as one that worked).
 * <p>
 * The fields below the port are read and written under the lock of {@link Runtimes} only.
 */
final class RuntimeSlot {

    final int index;
    private final List<String> command;
    private final RuntimeEnvironment environment;
    private final Path workingDirectory;
    private final Runtimes runtimes;
    private final FunctionLog log;
    volatile int port;

    // Under the lock of Runtimes:
    /** Bumped when a process starts and when it exits: a connection or a wait of another one is stale. */
    long generation;
    boolean alive;
    /** This process asked for an invocation at least once: its init is done. */
    boolean initialized;
    /** Its current next is waiting for an invocation. */
    boolean polling;
    /** Numbers each next as it arrives: only the newest one may wait (an older one's runtime gave up on it). */
    long waiter;
    Invocation current;
    /** Since when it was neither waiting in next nor holding an invocation (to tell a stuck runtime). */
    long idleSinceNanos;
    long startedNanos;
    /** Why the watchdog killed it, or null: its exit is then not an init failure. */
    String killReason;
    boolean initErrorPosted;
    boolean servedOne;
    String lastAnsweredId;
    /** The init duration for the next REPORT line (Lambda reports it on the first invocation), or -1. */
    long initNanosToReport = -1;

    /** Under the lock, before a start: the state of a fresh process. */
    void startingOver(long now) {
        alive = false;
        initialized = false;
        polling = false;
        current = null;
        killReason = null;
        initErrorPosted = false;
        servedOne = false;
        lastAnsweredId = null;
        initNanosToReport = -1;
        startedNanos = now;
        idleSinceNanos = now;
    }

    /** The current process, or the last one; null before the first start. */
    private volatile RuntimeRun run;

    RuntimeSlot(int index, List<String> command, RuntimeEnvironment environment, Path workingDirectory,
                Runtimes runtimes, FunctionLog log) {
        this.index = index;
        this.command = List.copyOf(command);
        this.environment = environment;
        this.workingDirectory = workingDirectory;
        this.runtimes = runtimes;
        this.log = log;
    }

    void start() {
        Thread supervisor = new Thread(new Runnable() {
            @Override
            public void run() {
                supervise();
            }
        }, "lambda-runtime-" + index);
        supervisor.setDaemon(true);
        supervisor.start();
    }

    RuntimeRun run() {
        return run;
    }

    /** Kills the current process's tree (a stuck runtime, an init error); its supervisor then restarts it. */
    void killTree() {
        RuntimeRun r = run;
        if (r != null) {
            r.killTree();
        }
    }

    void terminate() {
        RuntimeRun r = run;
        if (r != null) {
            r.terminate();
        }
    }

    boolean awaitExit(long millis) throws InterruptedException {
        RuntimeRun r = run;
        return r == null || r.awaitExit(millis);
    }

    private void supervise() {
        RestartBackoff backoff = new RestartBackoff();
        while (true) {
            long wait;
            try {
                wait = runOnce(backoff);
            } catch (Throwable t) {
                // An Error (OutOfMemoryError, no thread for the reader) must not end this runtime's restarts for good.
                Log.error("the Lambda runtime's supervisor failed; killing and restarting the runtime", "runtime",
                        index, "error", String.valueOf(t));
                killTree();
                wait = backoff.afterFailedStart();
            }
            if (wait < 0 || !runtimes.pause(wait)) {
                return; // stopping
            }
        }
    }

    /** One start, and the wait for its exit: the milliseconds to wait before the next start, -1 when stopping. */
    private long runOnce(RestartBackoff backoff) {
        long generation = runtimes.reserve(this);
        if (generation < 0) {
            return -1;
        }
        long started = System.nanoTime();
        RuntimeRun launched = launch(generation);
        if (launched == null) {
            return backoff.afterFailedStart();
        }
        int status = waitFor(launched.tree.main());
        launched.tree.sweepAfterExit();
        launched.output.processExited();
        boolean served = runtimes.exited(this, generation, describe(status));
        if (runtimes.isStopping()) {
            return -1;
        }
        long wait = backoff.afterRun(System.nanoTime() - started, served);
        Log.warn("the Lambda runtime exited; restarting it", "runtime", index, "status", describe(status),
                "restart_in", wait + "ms");
        return wait;
    }

    private RuntimeRun launch(long generation) {
        String program = Programs.find(command.get(0), System.getenv("PATH"));
        if (program == null) {
            String reason = "fork/exec " + command.get(0) + ": no such file or directory";
            Log.error("the Lambda runtime's program is not found or not executable; fix fprocess or the image"
                    + " (a custom runtime's bootstrap goes in $LAMBDA_TASK_ROOT)", "runtime", index,
                    "program", command.get(0));
            runtimes.startFailed(this, generation, InitFailure.notStarted(reason));
            return null;
        }
        List<String> argv = new ArrayList<>(command);
        argv.set(0, program);
        ProcessTree t = new ProcessTree();
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        environment.applyTo(builder.environment(), port, t.id());
        if (workingDirectory != null && Files.isDirectory(workingDirectory)) {
            builder.directory(workingDirectory.toFile());
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            Log.error("cannot start the Lambda runtime", "runtime", index, "fprocess", String.join(" ", command),
                    "error", e.getMessage());
            runtimes.startFailed(this, generation, InitFailure.notStarted(String.valueOf(e.getMessage())));
            return null;
        }
        t.started(process);
        RuntimeRun launched;
        try {
            RuntimeOutput out = new RuntimeOutput(process.getInputStream(), log);
            launched = new RuntimeRun(t, out);
            run = launched;
            Thread reader = new Thread(out, "lambda-runtime-" + index + "-output");
            reader.setDaemon(true);
            reader.start();
        } catch (Throwable e) {
            t.killAll(); // not left running beside the process the next start makes
            throw e;
        }
        try {
            process.getOutputStream().close(); // a runtime reads nothing on stdin
        } catch (IOException ignored) {
            // already closed
        }
        if (!runtimes.started(this, generation)) {
            launched.killTree();
            return launched;
        }
        Log.info("the Lambda runtime started", "runtime", index, "pid", process.pid(),
                "runtime_api", "127.0.0.1:" + port);
        return launched;
    }

    /** As Go's os.ProcessState prints it, which Lambda's messages quote: "exit status 1", "signal: killed". */
    static String describe(int status) {
        if (status <= 128 || status > 128 + 64) {
            return "exit status " + status;
        }
        switch (status - 128) {
            case 1: return "signal: hangup";
            case 2: return "signal: interrupt";
            case 3: return "signal: quit";
            case 6: return "signal: aborted";
            case 9: return "signal: killed";
            case 11: return "signal: segmentation fault";
            case 13: return "signal: broken pipe";
            case 15: return "signal: terminated";
            default: return "signal: " + (status - 128);
        }
    }

    private static int waitFor(Process process) {
        while (true) {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                // the supervisor stops through the stopping flag of Runtimes only
            }
        }
    }
}
