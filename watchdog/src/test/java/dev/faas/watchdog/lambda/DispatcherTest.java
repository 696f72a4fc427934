package dev.faas.watchdog.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.faas.watchdog.config.WatchdogConfig;
import dev.faas.watchdog.http.Readiness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-off rules that need no runtime process: who may wait in next, and who may be handed an invocation. */
class DispatcherTest {
    @TempDir
    Path dir;

    private Runtimes runtimes;
    private Dispatcher dispatcher;
    private RuntimeSlot slot;
    private long generation;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @BeforeEach
    void aSlotWhoseProcessRuns() {
        runtimes = new Runtimes(new Readiness(dir.resolve(".lock"), true, true),
                new InvocationLog(new FunctionLog(), 128), Duration.ofSeconds(10));
        dispatcher = new Dispatcher(runtimes);
        WatchdogConfig.Lambda settings = new WatchdogConfig.Lambda(dir, 0, 1, WatchdogConfig.Event.BODY, "fn", 128,
                "us-east-1", Duration.ofSeconds(10));
        slot = new RuntimeSlot(0, List.of("true"), new RuntimeEnvironment(settings, 128), dir, runtimes,
                new FunctionLog());
        runtimes.add(slot);
        generation = runtimes.reserve(slot);
        runtimes.started(slot, generation);
    }

    @AfterEach
    void stop() {
        runtimes.stop(Duration.ZERO);
        threads.shutdownNow();
    }

    @Test
    void aNewerNextOfTheSameRuntimeReplacesTheOneStillWaiting() throws Exception {
        Future<Invocation> older = threads.submit(() -> dispatcher.next(slot, generation, () -> true));
        awaitPolling();
        Future<Invocation> newer = threads.submit(() -> dispatcher.next(slot, generation, () -> true));
        assertNull(older.get(10, TimeUnit.SECONDS), "the older one returns, unanswered");
        assertFalse(newer.isDone(), "the newer one waits");
        runtimes.stop(Duration.ZERO);
        assertNull(newer.get(10, TimeUnit.SECONDS), "and returns when the watchdog stops");
    }

    /** Marked under the lock, killed outside it: in between, its next must not take a call it would never answer. */
    @Test
    void aRuntimeMarkedForKillingIsHandedNothing() throws Exception {
        Future<Invocation> next = threads.submit(() -> dispatcher.next(slot, generation, () -> true));
        awaitPolling();
        synchronized (runtimes) {
            slot.killReason = "timeout";
        }
        Invocation inv = new Invocation("r1", new byte[0], null, null, false, TimeUnit.MILLISECONDS.toNanos(200),
                System.currentTimeMillis(), System.nanoTime());
        Reply reply = dispatcher.invoke(inv);
        assertEquals(504, reply.status(), "no runtime took it");
        assertFalse(next.isDone(), "the marked runtime's next still waits: nothing was handed to it");
    }

    private void awaitPolling() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            synchronized (runtimes) {
                if (slot.polling) {
                    return;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("next never waited");
    }
}
