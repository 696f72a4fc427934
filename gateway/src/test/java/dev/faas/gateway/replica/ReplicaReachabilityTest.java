package dev.faas.gateway.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Against real sockets on 127.0.0.1, each standing for a replica: a node is lost only when none of its replicas
 * accepts, a dead sentinel alone loses nothing, and a lost node comes back with its first accepting replica.
 */
class ReplicaReachabilityTest {

    private static void await(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 5 s: " + what);
            Thread.sleep(10);
        }
    }

    private static ServerSocket listen(int port) throws Exception {
        return new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
    }

    private static ReplicaReachability.Target on(String node, ServerSocket s) {
        return new ReplicaReachability.Target(URI.create("http://127.0.0.1:" + s.getLocalPort() + "/"), node);
    }

    @Test
    void aNodeIsLostWhenNoneOfItsReplicasAcceptsAndBackWhenOneDoes() throws Exception {
        List<String> changes = new CopyOnWriteArrayList<>();
        ServerSocket a = listen(0);
        ServerSocket b = listen(0);
        ServerSocket elsewhere = listen(0);
        try (ReplicaReachability reach = new ReplicaReachability(Duration.ofMillis(20), Duration.ofMillis(200), 2,
                changes::add)) {
            reach.watchOnly(Map.of("a", on("n1", a), "b", on("n1", b), "c", on("n2", elsewhere)));
            Thread.sleep(200);
            assertEquals(Set.of(), reach.unreachable(), "every node accepts");

            int portA = a.getLocalPort();
            a.close();
            Thread.sleep(300);
            assertEquals(Set.of(), reach.unreachable(), "a dead sentinel alone: b still accepts on n1");

            b.close();
            await("n1 lost", () -> reach.unreachable().equals(Set.of("a", "b")));
            await("the loss reported", () -> changes.size() == 1);
            assertEquals(List.of("n1"), changes);

            try (ServerSocket again = listen(portA)) {
                await("n1 back", () -> reach.unreachable().isEmpty());
                await("the return reported", () -> changes.size() == 2);
                assertEquals(List.of("n1", "n1"), changes);
            }
        } finally {
            a.close();
            b.close();
            elsewhere.close();
        }
    }

    @Test
    void forgottenNodesAreNeitherWatchedNorReported() throws Exception {
        ServerSocket closed = listen(0);
        ReplicaReachability.Target gone = on("n1", closed);
        closed.close();
        try (ReplicaReachability reach = new ReplicaReachability(Duration.ofMillis(20), Duration.ofMillis(200), 1,
                node -> { })) {
            reach.watchOnly(Map.of("gone", gone));
            await("a node with nothing accepting is lost", () -> reach.unreachable().contains("gone"));
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
