package dev.faas.gateway.provider.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** When a starting task is probed: a fake watchdog on 127.0.0.1 counts the probes it gets. */
class StartingReplicasTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final TaskStarts starts = new TaskStarts();
    private final LinkedBlockingQueue<String> answered = new LinkedBlockingQueue<>();
    private final AtomicInteger probes = new AtomicInteger();
    private final StartingReplicas starting = new StartingReplicas(starts, scheduler, answered::add);
    private HttpServer watchdog;
    private URI address;

    @BeforeEach
    void startWatchdog() throws Exception {
        watchdog = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        watchdog.createContext("/_/health", exchange -> {
            probes.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        watchdog.start();
        address = URI.create("http://127.0.0.1:" + watchdog.getAddress().getPort() + "/");
    }

    @AfterEach
    void stop() {
        starting.close();
        watchdog.stop(0);
        scheduler.shutdownNow();
    }

    @Test
    void aTaskWhoseContainerHasNotStartedIsProbedOnlyFromItsStartEvent() throws Exception {
        starting.consider(List.of(new SwarmState.Starting("t1", "s1", address, false)));
        // Ask the scheduler to run something after any probe could have begun: none must have.
        scheduler.schedule(() -> { }, 50, TimeUnit.MILLISECONDS).get();
        assertEquals(0, probes.get(), "no probe before the container runs");
        starting.containerStarted("t1");
        assertEquals("s1", answered.poll(10, TimeUnit.SECONDS));
        assertTrue(starts.hasAnswered("t1"), "recorded for SwarmState");
    }

    @Test
    void aTaskSeenStartedByItsEventIsProbedAtOnce() throws Exception {
        starts.containerStarted("t2", java.time.Instant.now());
        starting.consider(List.of(new SwarmState.Starting("t2", "s2", address, false)));
        assertEquals("s2", answered.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void aTaskStartingOnAnotherNodeIsProbedWithoutAnEvent() throws Exception {
        starting.consider(List.of(new SwarmState.Starting("t3", "s3", address, true)));
        assertEquals("s3", answered.poll(10, TimeUnit.SECONDS), "after the fallback delay");
    }

    @Test
    void aTaskThatWentAwayIsNotProbed() throws Exception {
        starting.consider(List.of(new SwarmState.Starting("t4", "s4", address, false)));
        starting.retainOnly(java.util.Set.of());
        starting.containerStarted("t4");
        scheduler.schedule(() -> { }, 50, TimeUnit.MILLISECONDS).get();
        assertEquals(0, probes.get());
    }
}
