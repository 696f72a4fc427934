package dev.faas.gateway.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Against real sockets on 127.0.0.1: a listening port is reachable, a closed one is not, and one that opens again is. */
class ReplicaReachabilityTest {

    private static void await(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 5 s: " + what);
            Thread.sleep(10);
        }
    }

    @Test
    void aReplicaThatStopsAcceptingIsUnreachableUntilItAcceptsAgain() throws Exception {
        AtomicInteger changes = new AtomicInteger();
        ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        int port = listening.getLocalPort();
        try (ReplicaReachability reach = new ReplicaReachability(Duration.ofMillis(20), Duration.ofMillis(200), 2,
                id -> changes.incrementAndGet())) {
            reach.watchOnly(Map.of("t1", URI.create("http://127.0.0.1:" + port + "/")));
            Thread.sleep(200);
            assertEquals(Set.of(), reach.unreachable(), "a listening replica is reachable");
            assertEquals(0, changes.get());

            listening.close();
            await("the closed port is unreachable", () -> reach.unreachable().contains("t1"));
            assertEquals(1, changes.get());

            try (ServerSocket again = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
                await("the port listening again is reachable", () -> reach.unreachable().isEmpty());
                assertEquals(2, changes.get());
            }
        } finally {
            listening.close();
        }
    }

    @Test
    void forgottenReplicasAreNeitherWatchedNorReported() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (ReplicaReachability reach = new ReplicaReachability(Duration.ofMillis(20), Duration.ofMillis(200), 1,
                id -> { })) {
            reach.watchOnly(Map.of("gone", URI.create("http://127.0.0.1:" + closed + "/")));
            await("a closed port is unreachable", () -> reach.unreachable().contains("gone"));
            reach.watchOnly(Map.of());
            assertEquals(Set.of(), reach.unreachable());
        }
    }

    @Test
    void settingsMustBePositive() {
        assertThrows(IllegalArgumentException.class,
                () -> new ReplicaReachability(Duration.ZERO, Duration.ofMillis(1), 1, id -> { }));
        assertThrows(IllegalArgumentException.class,
                () -> new ReplicaReachability(Duration.ofMillis(1), Duration.ofMillis(1), 0, id -> { }));
    }
}
