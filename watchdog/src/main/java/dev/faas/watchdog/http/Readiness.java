package dev.faas.watchdog.http;

import dev.faas.watchdog.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the watchdog takes requests, mirrored by the lock file: Docker's HEALTHCHECK tests the file, /_/health
 * answers from the same state, so both always agree. Ready means listening, the function's process up (http mode:
 * it accepts connections; the other modes have no process between requests), and not draining.
 */
public final class Readiness {
    private final Path lockFile;
    private final boolean suppressLock;
    /** The 503 body's reason while the function's process is not up. */
    private final String notUp;
    private boolean listening;
    private boolean upstreamUp;
    private volatile boolean draining;
    private volatile boolean ready;

    /** @param waitForUpstream http mode: not ready until {@link #upstream} says the process listens */
    public Readiness(Path lockFile, boolean suppressLock, boolean waitForUpstream) {
        this(lockFile, suppressLock, waitForUpstream, "the function's process is not listening yet");
    }

    /** @param notUp lambda mode: why it waits, e.g. that no runtime has asked for an invocation yet */
    public Readiness(Path lockFile, boolean suppressLock, boolean waitForUpstream, String notUp) {
        this.lockFile = lockFile;
        this.suppressLock = suppressLock;
        this.upstreamUp = !waitForUpstream;
        this.notUp = notUp;
    }

    /** The lock file cannot be written: not a listening problem, and the start message must say which it is. */
    public static final class LockFileException extends IOException {
        LockFileException(Path lockFile, IOException cause) {
            super("cannot write the lock file " + lockFile + " (" + cause.getMessage() + "): make its directory ($TMPDIR)"
                    + " writable for the watchdog's user, or set suppress_lock=true", cause);
        }
    }

    /** Called once the listener accepts connections. */
    public synchronized void markListening() throws IOException {
        listening = true;
        if (upstreamUp && !draining) {
            try {
                writeLock();
            } catch (IOException e) {
                throw new LockFileException(lockFile, e);
            }
            ready = true;
        }
    }

    /** http mode: the process started listening (true) or exited (false); lambda mode: a runtime is ready or none. */
    public synchronized void upstream(boolean up) {
        upstreamUp = up;
        boolean now = listening && up && !draining;
        if (now == ready) {
            return;
        }
        if (now) {
            try {
                writeLock();
            } catch (IOException e) {
                Log.error("could not write the lock file; the container stays unhealthy", "path", lockFile,
                        "error", e.getMessage());
                return;
            }
        } else {
            removeLock();
        }
        ready = now;
    }

    /** SIGTERM: unhealthy first, so Swarm and the gateway stop sending before the listener closes. */
    public synchronized void startDraining() {
        draining = true;
        ready = false;
        removeLock();
    }

    public boolean isHealthy() {
        return ready && (suppressLock || Files.exists(lockFile));
    }

    public boolean isDraining() {
        return draining;
    }

    /** Why it is not healthy, for the 503 body. */
    synchronized String state() {
        if (draining) {
            return "draining";
        }
        if (!listening) {
            return "starting";
        }
        return upstreamUp ? "lock file missing" : notUp;
    }

    private void writeLock() throws IOException {
        if (!suppressLock) {
            Files.write(lockFile, new byte[0]);
        }
    }

    private void removeLock() {
        if (!suppressLock) {
            try {
                Files.deleteIfExists(lockFile);
            } catch (IOException e) {
                Log.warn("could not remove the lock file; the container stays healthy until it exits",
                        "path", lockFile, "error", e.getMessage());
            }
        }
    }
}
