package dev.faas.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start, health, lock file and the SIGTERM drain. */
class LifecycleTest {
    @TempDir
    Path dir;

    @Test
    void healthIsOkAndTheLockFileExistsOnceListening() throws Exception {
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", "cat"), dir)) {
            HttpResponse<String> r = w.send(HttpRequest.newBuilder(w.uri("/_/health")).GET());
            assertEquals(200, r.statusCode());
            assertEquals("OK\n", r.body());
            assertTrue(Files.exists(dir.resolve(".lock")));
        }
    }

    @Test
    void suppressLockWritesNoLockFileAndStaysHealthy() throws Exception {
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", "cat", "suppress_lock", "true"), dir)) {
            assertEquals(200, w.send(HttpRequest.newBuilder(w.uri("/_/health")).GET()).statusCode());
            assertFalse(Files.exists(dir.resolve(".lock")));
        }
    }

    /**
     * The request runs until the test releases it, after it has seen the drain begin: refused connections, no lock
     * file and a live watchdog then are the drain, not a race with a sleep. write_timeout 60 s keeps the limit and the
     * drain period (61 s) far beyond the test.
     */
    @Test
    void sigtermDrainsInFlightRequestsRefusesNewConnectionsAndExitsZero() throws Exception {
        Path started = dir.resolve("started");
        Path release = dir.resolve("release");
        String script = Scripts.write(dir, "held.sh", "touch " + started + "\n" + Scripts.blockUntil(release)
                + "\necho finished");
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", script, "write_timeout", "60s"), dir)) {
            CompletableFuture<HttpResponse<String>> inFlight = w.postAsync("x");
            Scripts.awaitFile(started);
            w.sigterm();
            awaitRefused(w.port());
            assertFalse(Files.exists(dir.resolve(".lock")), "lock removed while draining");
            assertTrue(w.process.isAlive(), "the watchdog waits for the in-flight request");
            assertFalse(inFlight.isDone(), "the in-flight request is not cut");
            Scripts.release(release);
            HttpResponse<String> r = inFlight.get(30, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertEquals("finished\n", r.body());
            assertTrue(w.process.waitFor(30, TimeUnit.SECONDS), "exited after the drain");
            assertEquals(0, w.process.exitValue(), w.log());
            String log = w.log();
            assertTrue(log.contains("msg=stopped drained=true"), log);
        }
    }

    /**
     * write_timeout 10m makes the drain period 601 s: exiting within the 60 s hang guard is exiting at once, not after
     * the drain period, however slow the machine.
     */
    @Test
    void sigtermWithNothingInFlightExitsAtOnce() throws Exception {
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", "cat", "write_timeout", "10m"), dir)) {
            long start = System.nanoTime();
            w.sigterm();
            assertTrue(w.process.waitFor(60, TimeUnit.SECONDS), "still running: waiting out the drain period?");
            System.out.printf("SIGTERM with nothing in flight: exited after %d ms (drain period 601 s)%n",
                    (System.nanoTime() - start) / 1_000_000);
            assertEquals(0, w.process.exitValue());
            String log = w.log();
            assertTrue(log.contains("in_flight_wait=601s"), log);
            assertTrue(log.contains("msg=stopped drained=true"), log);
        }
    }

    @Test
    void missingFprocessStopsAtStartWithAClearMessage() throws Exception {
        try (WatchdogProcess w = WatchdogProcess.startAndAwaitExit(Map.of(), dir)) {
            assertEquals(2, w.process.exitValue());
            assertTrue(w.log().contains("fprocess is not set"), w.log());
        }
    }

    @Test
    void anUnwritableLockFileStopsAtStartSayingSoNotBlamingThePort() throws Exception {
        try (WatchdogProcess w = WatchdogProcess.startAndAwaitExit(Map.of("fprocess", "cat"), dir.resolve("missing"))) {
            assertEquals(1, w.process.exitValue());
            assertTrue(w.log().contains("cannot write the lock file") && w.log().contains("suppress_lock=true"), w.log());
            assertFalse(w.log().contains("is the port free"), w.log());
        }
    }

    @Test
    void malformedSettingStopsAtStartNamingIt() throws Exception {
        try (WatchdogProcess w = WatchdogProcess.startAndAwaitExit(Map.of("fprocess", "cat", "exec_timeout", "soon"),
                dir)) {
            assertEquals(2, w.process.exitValue());
            assertTrue(w.log().contains("exec_timeout: 'soon' is not a duration"), w.log());
        }
    }

    /** Waits for the listener to close; the 30 s only guard against a hang. */
    private static void awaitRefused(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            } catch (ConnectException refused) {
                return;
            } catch (IOException other) {
                // keep trying
            }
            Thread.sleep(20);
        }
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close(), "new connections refused");
    }
}
