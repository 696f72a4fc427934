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

    @Test
    void sigtermDrainsInFlightRequestsRefusesNewConnectionsAndExitsZero() throws Exception {
        Path started = dir.resolve("started");
        String script = Scripts.write(dir, "slow.sh", "touch " + started + "\nsleep 1.5\necho finished");
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", script), dir)) {
            CompletableFuture<HttpResponse<String>> inFlight = w.postAsync("x");
            Scripts.awaitFile(started);
            w.sigterm();
            awaitRefused(w.port());
            assertFalse(Files.exists(dir.resolve(".lock")), "lock removed while draining");
            HttpResponse<String> r = inFlight.get(10, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertEquals("finished\n", r.body());
            assertTrue(w.process.waitFor(10, TimeUnit.SECONDS), "exited after the drain");
            assertEquals(0, w.process.exitValue(), w.log());
            String log = w.log();
            assertTrue(log.contains("msg=stopped drained=true"), log);
        }
    }

    @Test
    void sigtermWithNothingInFlightExitsAtOnce() throws Exception {
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", "cat"), dir)) {
            long start = System.nanoTime();
            w.sigterm();
            assertTrue(w.process.waitFor(10, TimeUnit.SECONDS));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(0, w.process.exitValue());
            assertTrue(millis < 2500, "took " + millis + " ms, not the drain period of 6 s");
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

    private static void awaitRefused(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
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
