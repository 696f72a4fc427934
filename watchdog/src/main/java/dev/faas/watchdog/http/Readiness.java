package dev.faas.watchdog.http;

import dev.faas.watchdog.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Ready or draining, mirrored by the lock file: Docker's HEALTHCHECK tests the file, /_/health answers from the same
 * state, so both always agree.
 */
public final class Readiness {
    private final Path lockFile;
    private final boolean suppressLock;
    private volatile boolean ready;

    public Readiness(Path lockFile, boolean suppressLock) {
        this.lockFile = lockFile;
        this.suppressLock = suppressLock;
    }

    /** Called once the listener accepts connections. */
    public void markReady() throws IOException {
        if (!suppressLock) {
            Files.write(lockFile, new byte[0]);
        }
        ready = true;
    }

    /** SIGTERM: unhealthy first, so Swarm and the gateway stop sending before the listener closes. */
    public void startDraining() {
        ready = false;
        if (!suppressLock) {
            try {
                Files.deleteIfExists(lockFile);
            } catch (IOException e) {
                Log.warn("could not remove the lock file; the container stays healthy until it exits",
                        "path", lockFile, "error", e.getMessage());
            }
        }
    }

    public boolean isHealthy() {
        return ready && (suppressLock || Files.exists(lockFile));
    }
}
