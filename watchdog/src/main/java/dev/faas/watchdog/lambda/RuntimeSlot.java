package dev.faas.watchdog.lambda;

import dev.faas.watchdog.Log;
import dev.faas.watchdog.exec.ProcessTree;
import dev.faas.watchdog.exec.Programs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One runtime process and its place in the rotation: started at the watchdog's start, served the Runtime API on
 * its own port, one invocation at a time, restarted whenever it exits (as http mode's UpstreamProcess: 100 ms
 * backoff, doubling to 5 s, back to 100 ms after a run that served an invocation or lasted 10 s).
 * <p>
 * The fields below the port are the {@link Dispatcher}'s, read and written under its lock only.
 */
final class RuntimeSlot {
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5000;
    private static final long STABLE_NANOS = TimeUnit.SECONDS.toNanos(10);

    final int index;
    private final List<String> command;
    private final RuntimeEnvironment environment;
    private final Path workingDirectory;
    private final Dispatcher dispatcher;
    private final FunctionLog log;
    volatile int port;

    // Under the dispatcher's lock:
    /** Bumped when a process starts and when it exits: a connection or a wait of another one is stale. */
    long generation;
    boolean alive;
    /** This process asked for an invocation at least once: its init is done. */
    boolean initialized;
    boolean polling;
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

    /** The current process, or the last one; null before the first start. */
    private volatile RuntimeRun run;

    RuntimeSlot(int index, List<String> command, RuntimeEnvironment environment, Path workingDirectory,
                Dispatcher dispatcher, FunctionLog log) {
        this.index = index;
        this.command = List.copyOf(command);
        this.environment = environment;
        this.workingDirectory = workingDirectory;
        this.dispatcher = dispatcher;
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
        long backoff = FIRST_BACKOFF_MILLIS;
        while (true) {
            long generation = dispatcher.reserve(this);
            if (generation < 0) {
                return; // stopping
            }
            long started = System.nanoTime();
            RuntimeRun launched = launch(generation);
            if (launched != null) {
                int status = waitFor(launched.tree.main());
                launched.tree.sweepAfterExit();
                launched.output.processExited();
                boolean served = dispatcher.exited(this, generation, describe(status));
                if (served || System.nanoTime() - started > STABLE_NANOS) {
                    backoff = FIRST_BACKOFF_MILLIS;
                }
                if (dispatcher.isStopping()) {
                    return;
                }
                Log.warn("the Lambda runtime exited; restarting it", "runtime", index, "status", describe(status),
                        "restart_in", backoff + "ms");
            }
            if (!dispatcher.pause(backoff)) {
                return;
            }
            backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        }
    }

    private RuntimeRun launch(long generation) {
        String program = Programs.find(command.get(0), System.getenv("PATH"));
        if (program == null) {
            String reason = "fork/exec " + command.get(0) + ": no such file or directory";
            Log.error("the Lambda runtime's program is not found or not executable; fix fprocess or the image"
                    + " (a custom runtime's bootstrap goes in $LAMBDA_TASK_ROOT)", "runtime", index,
                    "program", command.get(0));
            dispatcher.startFailed(this, generation, InitFailure.notStarted(reason));
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
            dispatcher.startFailed(this, generation, InitFailure.notStarted(String.valueOf(e.getMessage())));
            return null;
        }
        t.started(process);
        RuntimeOutput out = new RuntimeOutput(process.getInputStream(), log);
        RuntimeRun launched = new RuntimeRun(t, out);
        run = launched;
        Thread reader = new Thread(out, "lambda-runtime-" + index + "-output");
        reader.setDaemon(true);
        reader.start();
        try {
            process.getOutputStream().close(); // a runtime reads nothing on stdin
        } catch (IOException ignored) {
            // already closed
        }
        if (!dispatcher.started(this, generation)) {
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
                // the supervisor stops through the dispatcher's stopping flag only
            }
        }
    }
}
