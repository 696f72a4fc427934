package dev.faas.watchdog.exec;

import dev.faas.watchdog.config.WatchdogConfig.Limit;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the function once per request: starts the command with a mark every process of its tree inherits, feeds
 * stdin, hands stdout to a {@link Stdout} (held once, or streamed), and kills the whole tree when the main process exits, the limit is reached or the
 * body is too large.
 */
public final class FunctionRunner {
    private static final int PUMP_BUFFER = 64 * 1024;
    private static final long WATCH_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final List<String> command;
    private final boolean combineOutput;
    private final Limit limit;
    private final ScheduledExecutorService timer;
    private final ExecutorService pumps;
    private final Spawner spawner;
    private final Set<ProcessTree> running = ConcurrentHashMap.newKeySet();
    /**
     * The main pids of the runs in flight, removed just after they are reaped: a pid is reused only once the kernel
     * has handed out every other (it allocates them in turn up to pid_max), never within those microseconds.
     */
    private final Set<Long> runningMains = ConcurrentHashMap.newKeySet();
    private volatile String program;

    /**
     * @param command the split fprocess
     * @param program command[0] resolved, or null when not found yet (looked up again per request)
     * @param limit   the limit on one run, or null for none
     */
    public FunctionRunner(List<String> command, String program, boolean combineOutput, Limit limit,
                          ScheduledExecutorService timer, ExecutorService pumps, Spawner spawner) {
        this.command = List.copyOf(command);
        this.program = program;
        this.combineOutput = combineOutput;
        this.limit = limit;
        this.timer = timer;
        this.pumps = pumps;
        this.spawner = spawner;
    }

    /** Runs once; the process's stdout goes to {@code output} as it comes. */
    public Outcome run(Map<String, String> env, Stdin stdin, Stdout output) {
        long start = System.nanoTime();
        ProcessTree tree = new ProcessTree(runningMains::contains);
        Process process;
        try {
            process = start(env, tree.id());
        } catch (StartProblem | IOException e) {
            return new Outcome.StartFailed(e.getMessage());
        } catch (IllegalArgumentException e) { // an environment entry the OS cannot take (CgiEnvironment drops those)
            return new Outcome.StartFailed("invalid environment: " + e.getMessage());
        }
        tree.started(process);
        running.add(tree);
        runningMains.add(process.pid());
        AtomicReference<Outcome> verdict = new AtomicReference<>();
        Guard guard = new Guard(process, tree, verdict);
        boolean ended = false;
        Feed pump = null;
        try {
            pump = feed(process, stdin, tree, verdict);
            try (InputStream stdout = process.getInputStream()) {
                output.readFrom(stdout);
            } catch (IOException e) {
                // Either the tree was killed (the verdict says why) or the output could not be passed on (a streamed
                // response's caller went away): then nobody reads stdout and the tree must go, or it would block.
                kill(tree, verdict, new Outcome.OutputFailed(String.valueOf(e.getMessage())));
            }
            int status = waitUninterruptibly(process);
            guard.cancel(); // it has exited: no deadline may turn its answer into a 504, no kill go to a reused pid
            runningMains.remove(process.pid());
            tree.sweepAfterExit();
            finish(pump);
            ended = true;
            Outcome killed = verdict.get();
            return killed != null ? killed : new Outcome.Exited(status, System.nanoTime() - start);
        } finally {
            guard.cancel();
            running.remove(tree);
            if (!ended) {
                tree.killAll(); // e.g. out of memory while holding the output: the request is lost, its tree too
                finish(pump); // so that nothing reads the request body any more when the caller is answered
                closeQuietly(process.getInputStream()); // a posix_spawn'd process's pipes have no cleaner
                if (pump == null) {
                    closeQuietly(process.getOutputStream());
                }
                waitUninterruptibly(process); // reaped: a posix_spawn'd process has no reaper thread
                runningMains.remove(process.pid());
            }
        }
    }

    /** "posix" or "jdk". */
    public String spawner() {
        return spawner.name();
    }

    /** Kills every running request's tree (shutdown after the drain period). */
    public void killAll() {
        running.forEach(ProcessTree::killAll);
    }

    private Process start(Map<String, String> env, String treeId) throws StartProblem, IOException {
        String resolved = program;
        if (resolved == null) {
            resolved = Programs.find(command.get(0), System.getenv("PATH"));
            if (resolved == null) {
                throw new StartProblem("program '" + command.get(0) + "' was not found on PATH or is not executable;"
                        + " fix fprocess or the image");
            }
            program = resolved;
        }
        List<String> argv = new ArrayList<>(command);
        argv.set(0, resolved);
        Map<String, String> childEnv = new HashMap<>(env);
        childEnv.put(ProcessTree.VARIABLE, treeId);
        return spawner.start(argv, childEnv, combineOutput);
    }

    /** Small bodies are written at once (they fit the pipe buffer); others stream from a pump thread. */
    private Feed feed(Process process, Stdin stdin, ProcessTree tree, AtomicReference<Outcome> verdict) {
        if (stdin instanceof Stdin.Bytes bytes) {
            try (OutputStream in = process.getOutputStream()) {
                in.write(bytes.bytes());
            } catch (IOException e) {
                // the process exited without reading all of its input: not an error of the watchdog
            }
            return null;
        }
        Stdin.Streamed streamed = (Stdin.Streamed) stdin;
        OutputStream in = process.getOutputStream();
        AtomicBoolean claimed = new AtomicBoolean();
        try {
            return new Feed(pumps.submit(() -> {
                if (claimed.compareAndSet(false, true)) {
                    pump(streamed, in, tree, verdict);
                }
            }), claimed, in);
        } catch (RuntimeException | Error e) { // no thread for it: nobody else will close stdin
            closeQuietly(in);
            throw e;
        }
    }

    /**
     * A pump thread's work: whoever claims it first owns stdin and closes it, the pump when it runs, the request
     * thread when the pump never started (closing it under a running pump could close another call's reused fd).
     */
    private record Feed(Future<?> task, AtomicBoolean claimed, OutputStream stdin) {}

    private void pump(Stdin.Streamed body, OutputStream stdin, ProcessTree tree, AtomicReference<Outcome> verdict) {
        byte[] buf = new byte[PUMP_BUFFER];
        long total = 0;
        try (stdin) {
            while (true) {
                int n;
                try {
                    n = body.body().read(buf);
                } catch (IOException e) {
                    kill(tree, verdict, new Outcome.BodyUnreadable(String.valueOf(e.getMessage())));
                    return;
                }
                if (n < 0) {
                    return;
                }
                total += n;
                if (body.maxBytes() > 0 && total > body.maxBytes()) {
                    kill(tree, verdict, new Outcome.BodyTooLarge(body.maxBytes()));
                    return;
                }
                stdin.write(buf, 0, n);
            }
        } catch (IOException e) {
            // stdin closed: the process exited or stopped reading; the rest of the body is not needed
        }
    }

    /**
     * Watches one run from the timer thread. Most runs end within a few milliseconds and never see it fire; only then
     * is the work of watching paid: the deadline armed, and the main process's exit looked for (a background child may
     * hold stdout open after it, so the tree must be swept as soon as it exits), by asking the kernel at growing
     * intervals from this one thread rather than parking a thread per process in a wait.
     */
    private final class Guard implements Runnable {
        private static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

        private final Process process;
        private final ProcessTree tree;
        private final AtomicReference<Outcome> verdict;
        private volatile ScheduledFuture<?> pending;
        private volatile ScheduledFuture<?> poll;
        private volatile boolean done;

        Guard(Process process, ProcessTree tree, AtomicReference<Outcome> verdict) {
            this.process = process;
            this.tree = tree;
            this.verdict = verdict;
            long first = limit == null ? WATCH_AFTER_NANOS : Math.min(WATCH_AFTER_NANOS, limit.duration().toNanos());
            pending = timer.schedule(this, first, TimeUnit.NANOSECONDS);
        }

        @Override
        public void run() {
            if (limit != null) {
                long left = limit.duration().toNanos() - WATCH_AFTER_NANOS;
                if (left <= 0) {
                    deadline();
                    return;
                }
                pending = timer.schedule(this::deadline, left, TimeUnit.NANOSECONDS);
            }
            lookForExit(WATCH_AFTER_NANOS);
            if (done) {
                cancel(); // the run ended while the watch was being armed
            }
        }

        private void lookForExit(long interval) {
            if (done) {
                return;
            }
            if (process.isAlive()) {
                long next = Math.min(MAX_POLL_NANOS, interval * 2);
                poll = timer.schedule(() -> lookForExit(next), interval, TimeUnit.NANOSECONDS);
            } else {
                pumps.execute(tree::sweepAfterExit); // it may pause a few ms: not on the thread every deadline shares
            }
        }

        private void deadline() {
            if (!done) {
                kill(tree, verdict, new Outcome.TimedOut(limit));
            }
        }

        void cancel() {
            done = true;
            for (ScheduledFuture<?> p : new ScheduledFuture<?>[] {pending, poll}) {
                if (p != null) {
                    p.cancel(false);
                }
            }
        }
    }

    private static void kill(ProcessTree tree, AtomicReference<Outcome> verdict, Outcome why) {
        if (verdict.compareAndSet(null, why)) {
            tree.killAll();
        }
    }

    /** The pump ends on its own once stdin breaks; one stuck on a silent caller is interrupted, closing the socket. */
    private static void finish(Feed pump) {
        if (pump == null) {
            return;
        }
        try {
            pump.task().get(1, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            pump.task().cancel(true);
        } catch (ExecutionException | CancellationException e) {
            // the pump handles its own I/O errors; nothing left to do
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (pump.claimed().compareAndSet(false, true)) {
            closeQuietly(pump.stdin());
        }
    }

    private static void closeQuietly(java.io.Closeable stream) {
        try {
            stream.close();
        } catch (IOException e) {
            // a pipe's close: nothing to do about it
        }
    }

    private static int waitUninterruptibly(Process process) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return process.waitFor();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final class StartProblem extends Exception {
        StartProblem(String message) {
            super(message, null, false, false);
        }
    }
}
