package dev.faas.gateway.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.gateway.provider.Function;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.Replica;
import dev.faas.gateway.scaling.ColdStarts.Refusal;
import dev.faas.gateway.scaling.IdleScaler.Report;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IdleScalerTest {
    private static final Duration DEFAULT_IDLE = Duration.ofMinutes(15);
    private static final Duration IDLE = Duration.ofMinutes(1); // the function's com.openfaas.scale.zero-duration
    private static final String ID = "svc-id-hello";
    private static final String NAME = "hello";
    private static final String SERVICE = "faas_hello";
    private static final Map<String, String> OPTED_IN = Map.of(ScaleToZero.ZERO, "true", ScaleToZero.DURATION, "1m");

    private final AtomicLong nanos = new AtomicLong(3_000_000_000L); // any start: only differences count
    private final AtomicReference<Instant> wall = new AtomicReference<>(Instant.parse("2024-05-01T10:00:00Z"));
    private final AtomicReference<List<Function>> registry = new AtomicReference<>(List.of());
    private final Map<String, FakeWatchdog> watchdogs = new ConcurrentHashMap<>();
    private final AtomicInteger asked = new AtomicInteger();
    private final List<String> scaled = new CopyOnWriteArrayList<>();
    private volatile Exception scaleFailure;
    /** Runs inside each scale request, after it is recorded: what the provider does meanwhile. */
    private volatile IntConsumer onScale = replicas -> {};
    /** Runs inside a replica's answer: what happens while the check waits on the network. */
    private volatile Consumer<Replica> duringRead = r -> {};
    private ScheduledExecutorService timer;
    private ColdStarts coldStarts;
    private IdleScaler idle;

    /** What one replica's watchdog says, on the fake clock. */
    final class FakeWatchdog {
        volatile boolean reachable = true;
        volatile boolean tellsIdle = true;
        volatile long inFlight;
        volatile long lastCallEnded = nanos.get();

        Optional<Report> read() {
            if (!reachable) {
                return Optional.empty();
            }
            return Optional.of(new Report(inFlight, tellsIdle ? Duration.ofNanos(nanos.get() - lastCallEnded) : null));
        }

        FakeWatchdog idleFor(Duration d) {
            inFlight = 0;
            lastCallEnded = nanos.get() - d.toNanos();
            return this;
        }
    }

    @BeforeEach
    void setUp() {
        timer = Executors.newSingleThreadScheduledExecutor();
        ColdStarts.Scaler scaler = (name, replicas) -> {
            scaled.add(name + "=" + replicas);
            onScale.accept(replicas);
            Exception e = scaleFailure;
            if (e instanceof ManagementException m) {
                throw m;
            }
        };
        coldStarts = new ColdStarts(new ColdStarts.Settings(true, Duration.ofSeconds(30), 100, 20), scaler,
                Runnable::run, timer, nanos::get, wall::get, new NoEvents());
        IdleScaler.ReplicaActivity activity = replica -> {
            asked.incrementAndGet();
            duringRead.accept(replica);
            return watchdogs.get(replica.id()).read();
        };
        idle = new IdleScaler(registry::get, coldStarts, scaler, activity, DEFAULT_IDLE, Runnable::run);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        timer.shutdownNow();
        assertTrue(timer.awaitTermination(10, TimeUnit.SECONDS));
    }

    static final class NoEvents implements ColdStarts.Events {
        @Override
        public void held(String function) {}

        @Override
        public void refused(String function, Refusal why) {}

        @Override
        public void started(String function, ColdStarts.ColdStart start) {}
    }

    static final class RecordingCall implements ColdStarts.Call {
        final AtomicInteger answers = new AtomicInteger();
        volatile Function proceededWith;
        volatile Refusal refusal;

        @Override
        public void proceed(Function function) {
            proceededWith = function;
            answers.incrementAndGet();
        }

        @Override
        public void refuse(Refusal why, String message) {
            refusal = why;
            answers.incrementAndGet();
        }
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
        wall.updateAndGet(w -> w.plus(d));
    }

    private FakeWatchdog watchdog(String replicaId) {
        return watchdogs.computeIfAbsent(replicaId, id -> new FakeWatchdog());
    }

    private static Replica replica(String id) {
        return new Replica(id, "c-" + id, URI.create("http://10.0.1." + id.length() + ":8080/"));
    }

    private Function deploy(String id, Map<String, String> labels, String... replicaIds) {
        List<Replica> replicas = java.util.Arrays.stream(replicaIds).map(IdleScalerTest::replica).toList();
        Function f = new Function(id, id.equals(ID) ? NAME : "fn-" + id, id.equals(ID) ? SERVICE : "faas_fn-" + id,
                replicas.size(), replicas, labels, null);
        for (String r : replicaIds) {
            watchdog(r);
        }
        registry.set(List.of(f));
        return f;
    }

    private Function deployHello(String... replicaIds) {
        return deploy(ID, OPTED_IN, replicaIds);
    }

    /** Checks once a second (as the gateway does) for {@code d}, asserting nothing is scaled meanwhile. */
    private void checkEverySecondFor(Duration d) {
        for (long s = 0; s < d.toSeconds(); s++) {
            advance(Duration.ofSeconds(1));
            idle.check();
            assertEquals(List.of(), scaled, "scaled at " + (s + 1) + "s of " + d.toSeconds() + "s");
        }
    }

    // ---- going to zero ----

    @Test
    void anOptedInFunctionWhoseReplicasAllReportIdleLongerThanItsIdleTimeGoesToZero() {
        Function f = deployHello("task-1", "task-2");
        watchdog("task-1").idleFor(Duration.ofMinutes(5));
        watchdog("task-2").idleFor(Duration.ofMinutes(2)); // the label's 1m counts, not the default 15m

        idle.check();

        assertEquals(List.of(SERVICE + "=0"), scaled);
        assertEquals(2, asked.get(), "every replica is asked");
        assertTrue(coldStarts.enter(f), "the drain ended: calls are not held any longer");
    }

    @Test
    void withoutAnIdleLabelTheGatewaysDefaultIdleTimeApplies() {
        deploy(ID, Map.of(ScaleToZero.ZERO, "true"), "task-1");
        watchdog("task-1").idleFor(Duration.ofMinutes(14));

        idle.check();
        assertEquals(List.of(), scaled, "idle 14m of the default 15m");

        checkEverySecondFor(Duration.ofSeconds(59));
        advance(Duration.ofSeconds(1));
        idle.check();
        assertEquals(List.of(SERVICE + "=0"), scaled);
    }

    @Test
    void aReplicaWithACallInFlightKeepsTheFunctionUntilItsIdleTimeHasPassed() {
        deployHello("task-1", "task-2");
        watchdog("task-1").idleFor(Duration.ofMinutes(5));
        watchdog("task-2").inFlight = 1; // a call sent by another gateway

        idle.check();
        assertEquals(List.of(), scaled);
        int askedOnce = asked.get();

        watchdog("task-2").idleFor(Duration.ZERO); // that call ends now
        checkEverySecondFor(IDLE.minusSeconds(1));
        assertEquals(askedOnce, asked.get(), "not due: no replica is asked again");

        advance(Duration.ofSeconds(1));
        idle.check();
        assertEquals(List.of(SERVICE + "=0"), scaled);
    }

    @Test
    void aReplicaIdleShorterThanTheIdleTimeKeepsTheFunctionUntilThatIdleTimeHasPassed() {
        deployHello("task-1", "task-2");
        watchdog("task-1").idleFor(Duration.ofMinutes(5));
        watchdog("task-2").idleFor(Duration.ofSeconds(20));

        idle.check();
        assertEquals(List.of(), scaled);
        int askedOnce = asked.get();

        checkEverySecondFor(Duration.ofSeconds(39)); // 20s + 39s = 59s idle
        assertEquals(askedOnce, asked.get(), "not due: no replica is asked again");

        advance(Duration.ofSeconds(1));
        idle.check();
        assertEquals(List.of(SERVICE + "=0"), scaled);
    }

    @Test
    void aCallInFlightThroughTheGatewayPreventsIt() {
        Function f = deployHello("task-1");
        watchdog("task-1").idleFor(Duration.ofHours(1));
        assertTrue(coldStarts.enter(f));

        checkEverySecondFor(Duration.ofMinutes(10));
        assertEquals(0, asked.get(), "with a call in flight no replica is even asked");

        coldStarts.exit(f);
        checkEverySecondFor(IDLE.minusSeconds(1));
        advance(Duration.ofSeconds(1));
        idle.check();
        assertEquals(List.of(SERVICE + "=0"), scaled, "idle a whole idle time after the call ended");
    }

    @Test
    void aFunctionNotOptedInIsNeverScaledToZero() {
        Function plain = new Function("p", "plain", "faas_plain", 1, List.of(replica("task-p")), Map.of(), null);
        Function optedOut = new Function("o", "out", "faas_out", 1, List.of(replica("task-o")),
                Map.of(ScaleToZero.ZERO, "false", ScaleToZero.DURATION, "1m"), null);
        watchdog("task-p").idleFor(Duration.ofDays(1));
        watchdog("task-o").idleFor(Duration.ofDays(1));
        registry.set(List.of(plain, optedOut));

        for (int i = 0; i < 5; i++) {
            advance(Duration.ofHours(1));
            idle.check();
        }

        assertEquals(List.of(), scaled);
        assertEquals(0, asked.get());
        assertTrue(coldStarts.enter(plain));
        assertTrue(coldStarts.enter(optedOut));
    }

    @Test
    void anUnreachableReplicaSkipsTheRound() {
        Function f = deployHello("task-1", "task-2");
        watchdog("task-1").idleFor(Duration.ofMinutes(10));
        watchdog("task-2").idleFor(Duration.ofMinutes(10)).reachable = false;

        idle.check();
        assertEquals(List.of(), scaled);
        assertTrue(coldStarts.enter(f), "the drain ended");
        coldStarts.exit(f);

        // The round decided nothing: the next one asks again (the exit above is this gateway's own activity).
        checkEverySecondFor(IDLE.minusSeconds(1));
        advance(Duration.ofSeconds(1));
        idle.check();
        assertEquals(List.of(), scaled, "still unreachable");

        watchdog("task-2").reachable = true;
        advance(Duration.ofSeconds(1));
        idle.check();
        assertEquals(List.of(SERVICE + "=0"), scaled);
    }

    @Test
    void anUnreachableReplicaIsAskedAgainAtTheNextRound() {
        deployHello("task-1");
        watchdog("task-1").reachable = false;

        idle.check();
        advance(Duration.ofSeconds(1));
        idle.check();

        assertEquals(2, asked.get());
        assertEquals(List.of(), scaled);
    }

    @Test
    void aReplicaWithoutTheIdleGaugeCountsAsActiveSinceTheGateWasMade() {
        deployHello("task-1", "task-2");
        watchdog("task-1").tellsIdle = false; // an older watchdog, or one that cannot say
        watchdog("task-2").idleFor(Duration.ofHours(2));
        watchdog("task-2").reachable = false;

        idle.check(); // first sight of the function (the gateway just started): its gate is made now
        assertEquals(List.of(), scaled);

        watchdog("task-2").reachable = true;
        advance(Duration.ofSeconds(45));
        idle.check();
        assertEquals(List.of(), scaled, "known for 45s only");
        int asked45 = asked.get();

        checkEverySecondFor(Duration.ofSeconds(14));
        assertEquals(asked45, asked.get(), "counted as active when the gate was made: not due before 60s");

        advance(Duration.ofSeconds(1));
        idle.check();
        assertEquals(List.of(SERVICE + "=0"), scaled);
    }

    @Test
    void aFunctionWithNoReadyReplicaIsLeftAlone() {
        Function starting = new Function(ID, NAME, SERVICE, 1, List.of(), OPTED_IN, null);
        Function atZero = new Function("z", "zero", "faas_zero", 0, List.of(), OPTED_IN, null);
        registry.set(List.of(starting, atZero));

        for (int i = 0; i < 5; i++) {
            advance(Duration.ofHours(1));
            idle.check();
        }

        assertEquals(List.of(), scaled);
        assertEquals(0, asked.get());
    }

    @Test
    void aFailedScaleToZeroIsTriedAgainAtTheNextRoundAndLeavesNoCallHeld() {
        Function f = deployHello("task-1");
        watchdog("task-1").idleFor(Duration.ofMinutes(5));
        scaleFailure = new ManagementException(ManagementException.Reason.UNAVAILABLE, "no orchestrator");

        idle.check();
        assertEquals(List.of(SERVICE + "=0"), scaled);
        assertTrue(coldStarts.enter(f), "the drain ended despite the failure");
        coldStarts.exit(f);

        scaleFailure = null;
        advance(IDLE);
        idle.check();
        assertEquals(List.of(SERVICE + "=0", SERVICE + "=0"), scaled);
    }

    // ---- calls arriving during the check ----

    @Test
    void aCallArrivingWhileReplicasAreAskedIsHeldAndGoesOnWhenTheFunctionIsKept() {
        Function f = deployHello("task-1");
        watchdog("task-1").idleFor(Duration.ofSeconds(10));
        RecordingCall call = new RecordingCall();
        duringRead = r -> {
            assertFalse(coldStarts.enter(f), "no fast path while the function may be going to zero");
            coldStarts.hold(f, call);
            assertEquals(0, call.answers.get(), "held meanwhile");
        };

        idle.check();

        assertEquals(List.of(), scaled);
        assertEquals(1, call.answers.get());
        assertEquals(f, call.proceededWith);
    }

    @Test
    void aCallArrivingWhileTheFunctionGoesToZeroStartsItAgainAfterwards() {
        Function f = deployHello("task-1");
        watchdog("task-1").idleFor(Duration.ofMinutes(5));
        Function atZero = new Function(ID, NAME, SERVICE, 0, List.of(), OPTED_IN, null);
        // The provider's scale re-reads the service before it returns: the registry has it at zero by then.
        onScale = replicas -> {
            if (replicas == 0) {
                registry.set(List.of(atZero));
                coldStarts.changed(f, atZero);
            }
        };
        RecordingCall call = new RecordingCall();
        duringRead = r -> coldStarts.hold(f, call);

        idle.check();

        assertEquals(List.of(SERVICE + "=0", SERVICE + "=1"), scaled, "to zero, then once back up for the call");
        assertEquals(0, call.answers.get(), "waits for the new replica");
        Function back = new Function(ID, NAME, SERVICE, 1, List.of(replica("task-9")), OPTED_IN, null);
        coldStarts.changed(atZero, back);
        assertEquals(1, call.answers.get());
        assertEquals(back, call.proceededWith);
    }
}
