package dev.faas.gateway.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HealthProbeTest {
    private static final Duration INTERVAL = Duration.ofMillis(20);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofMillis(500);
    private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(60);

    /** An onReady that counts its calls and lets a test wait for the first. */
    private static final class Ready implements Runnable {
        final AtomicInteger calls = new AtomicInteger();
        final CountDownLatch first = new CountDownLatch(1);

        @Override
        public void run() {
            calls.incrementAndGet();
            first.countDown();
        }

        void await() throws InterruptedException {
            assertTrue(first.await(10, TimeUnit.SECONDS), "onReady was not called within 10 s");
        }
    }

    @Test
    void answersOnceTheWatchdogTurnsHealthy() throws Exception {
        try (FakeWatchdog watchdog = new FakeWatchdog();
             HealthProbe probe = new HealthProbe(INTERVAL, ATTEMPT_TIMEOUT, GIVE_UP_AFTER)) {
            Ready ready = new Ready();
            probe.watch("task-1", watchdog.address(), ready);
            watchdog.awaitProbes(2);
            assertEquals(0, ready.calls.get(), "503 is not ready");
            assertTrue(probe.isWatching("task-1"));

            watchdog.becomeHealthy();
            ready.await();

            assertEquals(1, ready.calls.get());
            assertFalse(probe.isWatching("task-1"), "a ready replica needs no more probing");
        }
    }

    @Test
    void keepsTryingWhileConnectionsAreRefused() throws Exception {
        int port = FakeWatchdog.refusedPort();
        FakeNanoClock clock = new FakeNanoClock();
        try (HealthProbe probe = new HealthProbe(INTERVAL, ATTEMPT_TIMEOUT, GIVE_UP_AFTER, clock)) {
            Ready ready = new Ready();
            probe.watch("task-1", URI.create("http://127.0.0.1:" + port + "/"), ready);
            clock.awaitReads(1 + 3); // the watch's start, then three refused attempts
            assertTrue(probe.isWatching("task-1"));

            try (FakeWatchdog watchdog = new FakeWatchdog(port)) {
                watchdog.becomeHealthy();
                ready.await();
            }
            assertEquals(1, ready.calls.get());
        }
    }

    @Test
    void retriesAfterAnAttemptTimesOut() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (FakeWatchdog watchdog = new FakeWatchdog();
             HealthProbe probe = new HealthProbe(INTERVAL, Duration.ofMillis(200), GIVE_UP_AFTER)) {
            watchdog.becomeHealthy();
            watchdog.holdNextProbeUntil(release); // the first probe gets no answer in time
            Ready ready = new Ready();
            probe.watch("task-1", watchdog.address(), ready);

            ready.await();

            assertTrue(watchdog.probes() >= 2, "the answer came from a later attempt");
            assertEquals(1, ready.calls.get());
        } finally {
            release.countDown();
        }
    }

    @Test
    void neverOverlapsAttemptsForOneKey() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (FakeWatchdog watchdog = new FakeWatchdog();
             HealthProbe probe = new HealthProbe(INTERVAL, Duration.ofSeconds(30), GIVE_UP_AFTER)) {
            watchdog.becomeHealthy();
            watchdog.holdNextProbeUntil(release);
            Ready ready = new Ready();
            Ready again = new Ready();
            probe.watch("task-1", watchdog.address(), ready);
            watchdog.awaitProbes(1);
            probe.watch("task-1", watchdog.address(), again);
            probe.watch("task-1", watchdog.address(), again);

            release.countDown();
            ready.await();

            assertEquals(1, watchdog.probes(), "one probe, held, then answered: no second one beside it");
            assertEquals(1, watchdog.mostProbesAtOnce());
            assertEquals(1, ready.calls.get());
            assertEquals(0, again.calls.get(), "watching a watched key is a no-op");
        }
    }

    @Test
    void stopsWhenForgotten() throws Exception {
        try (FakeWatchdog watchdog = new FakeWatchdog();
             HealthProbe probe = new HealthProbe(INTERVAL, ATTEMPT_TIMEOUT, GIVE_UP_AFTER)) {
            Ready forgotten = new Ready();
            probe.watch("task-1", watchdog.address(), forgotten);
            watchdog.awaitProbes(2);

            probe.forget("task-1");
            assertFalse(probe.isWatching("task-1"));

            // Once the replica answers, a key still watched gets its call; the forgotten one must not.
            watchdog.becomeHealthy();
            Ready other = new Ready();
            probe.watch("task-2", watchdog.address(), other);
            other.await();
            assertEquals(0, forgotten.calls.get());
        }
    }

    @Test
    void forgettingAKeyNotWatchedDoesNothing() {
        try (HealthProbe probe = new HealthProbe(INTERVAL, ATTEMPT_TIMEOUT, GIVE_UP_AFTER)) {
            probe.forget("never-watched");
            assertFalse(probe.isWatching("never-watched"));
        }
    }

    @Test
    void givesUpSilentlyOnceTheDeadlinePasses() throws Exception {
        int port = FakeWatchdog.refusedPort();
        FakeNanoClock clock = new FakeNanoClock();
        try (HealthProbe probe = new HealthProbe(INTERVAL, ATTEMPT_TIMEOUT, GIVE_UP_AFTER, clock)) {
            Ready ready = new Ready();
            probe.watch("task-1", URI.create("http://127.0.0.1:" + port + "/"), ready);
            clock.awaitReads(1 + 1);
            assertTrue(probe.isWatching("task-1"), "one refused attempt within the minute is retried");

            clock.advance(GIVE_UP_AFTER.plusSeconds(1));
            awaitNotWatching(probe, "task-1");

            assertEquals(0, ready.calls.get());
        }
    }

    @Test
    void closeStopsEveryProbeAndLaterWatchesAreIgnored() throws Exception {
        try (FakeWatchdog watchdog = new FakeWatchdog()) {
            Ready first = new Ready();
            Ready second = new Ready();
            Ready late = new Ready();
            HealthProbe probe = new HealthProbe(INTERVAL, ATTEMPT_TIMEOUT, GIVE_UP_AFTER);
            probe.watch("task-1", watchdog.address(), first);
            probe.watch("task-2", watchdog.address(), second);
            watchdog.awaitProbes(2);

            probe.close();
            watchdog.becomeHealthy();
            probe.watch("task-3", watchdog.address(), late);

            assertFalse(probe.isWatching("task-1"));
            assertFalse(probe.isWatching("task-2"));
            assertFalse(probe.isWatching("task-3"));
            assertEquals(0, first.calls.get() + second.calls.get() + late.calls.get());
        }
    }

    @Test
    void probesTheHealthPathUnderTheReplicaAddress() {
        assertEquals(URI.create("http://10.231.1.7:8080/_/health"),
                HealthProbe.healthOf(URI.create("http://10.231.1.7:8080/")));
        assertEquals(URI.create("http://10.231.1.7:8080/_/health"),
                HealthProbe.healthOf(URI.create("http://10.231.1.7:8080")));
        assertEquals(URI.create("http://[fd00::7]:8080/_/health"),
                HealthProbe.healthOf(URI.create("http://[fd00::7]:8080/")));
    }

    @Test
    void refusesAnAddressWithoutAHost() {
        try (HealthProbe probe = new HealthProbe(INTERVAL, ATTEMPT_TIMEOUT, GIVE_UP_AFTER)) {
            assertThrows(IllegalArgumentException.class,
                    () -> probe.watch("task-1", URI.create("replica:task-1"), () -> { }));
            assertFalse(probe.isWatching("task-1"));
        }
    }

    /** Giving up happens on a probe thread just after the clock is read, so it is awaited, not assumed. */
    private static void awaitNotWatching(HealthProbe probe, String key) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (probe.isWatching(key)) {
            if (System.nanoTime() - giveUp > 0) {
                throw new AssertionError(key + " was still watched 10 s after its deadline passed");
            }
            Thread.sleep(5);
        }
    }
}
