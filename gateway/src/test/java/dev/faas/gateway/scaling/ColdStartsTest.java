package dev.faas.gateway.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.gateway.provider.Function;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.Replica;
import dev.faas.gateway.provider.StartFailure;
import dev.faas.gateway.scaling.ColdStarts.ColdStart;
import dev.faas.gateway.scaling.ColdStarts.Refusal;
import dev.faas.gateway.scaling.ColdStarts.Settings;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ColdStartsTest {
    private static final Duration LONG_TIMEOUT = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final String ID = "svc-id-hello";
    private static final String NAME = "hello";
    private static final String SERVICE = "faas_hello";

    private final AtomicLong nanos = new AtomicLong(7_000_000_000L); // any start: only differences count
    private final AtomicReference<Instant> wall = new AtomicReference<>(T0);
    private final RecordingScaler scaler = new RecordingScaler();
    private final RecordingEvents events = new RecordingEvents();
    private ScheduledExecutorService timer;

    @BeforeEach
    void startTimer() {
        timer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stopTimer() throws InterruptedException {
        timer.shutdownNow();
        assertTrue(timer.awaitTermination(10, TimeUnit.SECONDS));
    }

    // ---- fakes and helpers ----

    /** Records every scale request as "service=replicas"; throws {@link #failWith} when set. */
    static final class RecordingScaler implements ColdStarts.Scaler {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile Exception failWith;

        @Override
        public void scale(String name, int replicas) throws ManagementException {
            calls.add(name + "=" + replicas);
            Exception e = failWith;
            if (e instanceof ManagementException m) {
                throw m;
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
        }
    }

    static final class RecordingEvents implements ColdStarts.Events {
        final List<String> held = new CopyOnWriteArrayList<>();
        final List<Refusal> refused = new CopyOnWriteArrayList<>();
        final List<ColdStart> started = new CopyOnWriteArrayList<>();

        @Override
        public void held(String function) {
            held.add(function);
        }

        @Override
        public void refused(String function, Refusal why) {
            refused.add(why);
        }

        @Override
        public void started(String function, ColdStart start) {
            started.add(start);
        }
    }

    /** A front door's call: remembers how it was answered and how often. */
    static final class RecordingCall implements ColdStarts.Call {
        final AtomicInteger answers = new AtomicInteger();
        final CountDownLatch answered = new CountDownLatch(1);
        volatile Function proceededWith;
        volatile Refusal refusal;
        volatile String message;

        @Override
        public void proceed(Function function) {
            proceededWith = function;
            answers.incrementAndGet();
            answered.countDown();
        }

        @Override
        public void refuse(Refusal why, String message) {
            this.refusal = why;
            this.message = message;
            answers.incrementAndGet();
            answered.countDown();
        }

        boolean waiting() {
            return answers.get() == 0;
        }

        boolean proceeded() {
            return answers.get() == 1 && proceededWith != null && refusal == null;
        }
    }

    private ColdStarts coldStarts(Settings settings) {
        return new ColdStarts(settings, scaler, Runnable::run, timer, nanos::get, wall::get, events);
    }

    private ColdStarts coldStarts() {
        return coldStarts(new Settings(true, LONG_TIMEOUT, 100, 20));
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
        wall.updateAndGet(w -> w.plus(d));
    }

    private static Replica replica(String task) {
        return new Replica(task, "container-" + task, URI.create("http://10.0.0.7:8080/"));
    }

    private static Function function(int desired, List<Replica> replicas, Map<String, String> labels,
                                     StartFailure failure) {
        return new Function(ID, NAME, SERVICE, desired, replicas, labels, failure);
    }

    private static Function atZero() {
        return function(0, List.of(), Map.of(), null);
    }

    private static Function starting() {
        return function(1, List.of(), Map.of(), null);
    }

    private static Function ready() {
        return function(1, List.of(replica("task-1")), Map.of(), null);
    }

    private static List<RecordingCall> calls(int n) {
        List<RecordingCall> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(new RecordingCall());
        }
        return calls;
    }

    // ---- holding and releasing ----

    @Test
    void aHeldCallProceedsOnceTheRegistryReportsAReadyReplica() {
        ColdStarts cs = coldStarts();
        RecordingCall call = new RecordingCall();

        assertFalse(cs.enter(atZero()), "no ready replica: not the fast path");
        cs.hold(atZero(), call);
        assertTrue(call.waiting());
        assertEquals(List.of(SERVICE + "=1"), scaler.calls, "holding a call at zero starts a replica");
        assertEquals(List.of(NAME), events.held);

        cs.changed(atZero(), starting());
        assertTrue(call.waiting(), "desired 1 without a ready replica: still waiting");

        Function ready = ready();
        cs.changed(starting(), ready);
        assertTrue(call.proceeded());
        assertEquals(ready, call.proceededWith, "the call goes on with the function as it is now");
        assertTrue(events.refused.isEmpty());
    }

    @Test
    void fiftyCallsDuringOneColdStartShareOneScaleUpAndAllProceed() throws Exception {
        ColdStarts cs = coldStarts();
        List<RecordingCall> calls = calls(50);
        ExecutorService doors = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> holds = new ArrayList<>();
            for (RecordingCall call : calls) {
                holds.add(doors.submit(() -> {
                    go.await();
                    cs.hold(atZero(), call);
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> h : holds) {
                h.get(10, TimeUnit.SECONDS);
            }
        } finally {
            doors.shutdownNow();
        }
        assertEquals(List.of(SERVICE + "=1"), scaler.calls, "one scale-up however many calls arrive");
        assertTrue(calls.stream().allMatch(RecordingCall::waiting));

        cs.changed(atZero(), starting());
        RecordingCall late = new RecordingCall();
        cs.hold(starting(), late);
        assertEquals(1, scaler.calls.size(), "a call arriving while the replica starts does not scale again");

        cs.changed(starting(), ready());
        assertTrue(calls.stream().allMatch(RecordingCall::proceeded), "every held call goes on, once");
        assertTrue(late.proceeded());
        assertEquals(1, scaler.calls.size());
        assertEquals(1, events.started.size(), "one cold start");
        assertEquals(51, events.started.get(0).held());
        assertEquals(51, events.held.size());
    }

    @Test
    void theScaleUpTargetIsTheMinLabelAndAtLeastOne() {
        ColdStarts cs = coldStarts();
        record Case(String id, Map<String, String> labels, int expected) {}
        List<Case> cases = List.of(
                new Case("a", Map.of(ReplicaBounds.MIN, "3"), 3),
                new Case("b", Map.of(ReplicaBounds.MIN, "0"), 1),
                new Case("c", Map.of(), 1),
                new Case("d", Map.of(ReplicaBounds.MIN, "3", ScaleToZero.ZERO, "true"), 3),
                new Case("e", Map.of(ReplicaBounds.MIN, "50"), 1)); // above max_replicas 20: the default
        for (Case c : cases) {
            scaler.calls.clear();
            cs.hold(new Function(c.id(), "fn-" + c.id(), "faas_fn-" + c.id(), 0, List.of(), c.labels(), null),
                    new RecordingCall());
            assertEquals(List.of("faas_fn-" + c.id() + "=" + c.expected()), scaler.calls, "labels " + c.labels());
        }
    }

    @Test
    void aReadyFunctionIsEnteredOnTheFastPathAndEnterAndExitCountInFlight() {
        ColdStarts cs = coldStarts();
        Function ready = ready();

        assertTrue(cs.enter(ready));
        assertTrue(cs.enter(ready));
        ColdStarts.Gate g = cs.gateOf(ready);
        assertEquals(2, g.inFlight);
        assertEquals(nanos.get(), g.lastActive, "a call's start is activity");

        advance(Duration.ofSeconds(3));
        cs.exit(ready);
        assertEquals(1, g.inFlight);
        assertEquals(nanos.get(), g.lastActive, "a call's end is activity");
        cs.exit(ready);
        assertEquals(0, g.inFlight);
        cs.exit(ready);
        assertEquals(0, g.inFlight, "never below zero");

        assertTrue(scaler.calls.isEmpty());
        assertTrue(events.held.isEmpty());
        assertTrue(events.refused.isEmpty());
    }

    @Test
    void anExitOfAFunctionNeverEnteredIsIgnored() {
        ColdStarts cs = coldStarts();
        cs.exit(ready()); // no gate yet: nothing to count, nothing thrown
        assertEquals(0, cs.gateOf(ready()).inFlight);
    }

    @Test
    void heldCallsReleasedToAReplicaAreCountedInFlightUntilTheyExit() {
        ColdStarts cs = coldStarts();
        cs.hold(atZero(), new RecordingCall());
        cs.hold(atZero(), new RecordingCall());
        cs.changed(atZero(), ready());

        ColdStarts.Gate g = cs.gateOf(ready());
        assertEquals(2, g.inFlight);
        cs.exit(ready());
        cs.exit(ready());
        assertEquals(0, g.inFlight);
    }

    @Test
    void aCallHeldForAFunctionThatBecameReadyInBetweenProceedsAtOnce() {
        ColdStarts cs = coldStarts();
        RecordingCall first = new RecordingCall();
        cs.hold(atZero(), first);
        cs.changed(atZero(), ready());

        // The front door read the registry before the change: its function has no replica, the gate knows better.
        RecordingCall call = new RecordingCall();
        cs.hold(atZero(), call);
        assertTrue(call.proceeded());
        assertEquals(ready(), call.proceededWith);
        assertEquals(2, cs.gateOf(ready()).inFlight);
        assertEquals(1, scaler.calls.size());
    }

    // ---- start failures ----

    @Test
    void aStartFailureNewerThanTheHoldRefusesEveryHeldCallWithTheOrchestratorsReason() {
        ColdStarts cs = coldStarts();
        List<RecordingCall> calls = calls(3);
        for (RecordingCall c : calls) {
            cs.hold(atZero(), c);
        }
        cs.changed(atZero(), starting());
        advance(Duration.ofSeconds(2));
        String reason = "No such image: faas/hello:latest";
        Function failed = function(1, List.of(), Map.of(), new StartFailure(reason, wall.get()));

        cs.changed(starting(), failed);

        for (RecordingCall c : calls) {
            assertEquals(1, c.answers.get());
            assertEquals(Refusal.START_FAILED, c.refusal);
            assertTrue(c.message.contains(reason), c.message);
        }
        assertEquals(List.of(Refusal.START_FAILED, Refusal.START_FAILED, Refusal.START_FAILED), events.refused);

        cs.changed(failed, function(1, List.of(replica("task-2")), Map.of(), failed.lastFailure()));
        assertTrue(calls.stream().allMatch(c -> c.answers.get() == 1), "a refused call is never resumed");
        assertEquals(1, scaler.calls.size());
    }

    @Test
    void aStartFailureOlderThanTheHoldDoesNotRefuseHeldCalls() {
        ColdStarts cs = coldStarts();
        // Within FAILURE_MEMORY, but before the call was held: it is not the failure of this start.
        StartFailure old = new StartFailure("task: non-zero exit (1)", wall.get().minusSeconds(5));
        Function atZero = function(0, List.of(), Map.of(), old);
        RecordingCall call = new RecordingCall();

        cs.hold(atZero, call);
        assertTrue(call.waiting(), "at zero: held and started despite the earlier failure");
        assertEquals(List.of(SERVICE + "=1"), scaler.calls);

        advance(Duration.ofSeconds(1));
        Function starting = function(1, List.of(), Map.of(), old);
        cs.changed(atZero, starting);
        assertTrue(call.waiting());

        cs.changed(starting, function(1, List.of(replica("task-1")), Map.of(), old));
        assertTrue(call.proceeded());
        assertTrue(events.refused.isEmpty());
    }

    @Test
    void aRecentFailureOfAFunctionThatShouldRunRefusesANewCallAtOnce() {
        ColdStarts cs = coldStarts();
        String reason = "task: non-zero exit (137)";
        Function failing = function(1, List.of(), Map.of(), new StartFailure(reason,
                wall.get().minus(ColdStarts.FAILURE_MEMORY).plusSeconds(1)));
        RecordingCall call = new RecordingCall();

        cs.hold(failing, call);

        assertEquals(1, call.answers.get());
        assertEquals(Refusal.START_FAILED, call.refusal);
        assertTrue(call.message.contains(reason), call.message);
        assertTrue(scaler.calls.isEmpty());
        assertTrue(events.held.isEmpty());
        assertEquals(List.of(Refusal.START_FAILED), events.refused);
    }

    @Test
    void aFailureOlderThanFailureMemoryHoldsANewCallForTheNextStart() {
        ColdStarts cs = coldStarts();
        Function failing = function(1, List.of(), Map.of(), new StartFailure("task: non-zero exit (137)",
                wall.get().minus(ColdStarts.FAILURE_MEMORY).minusSeconds(1)));
        RecordingCall call = new RecordingCall();

        cs.hold(failing, call);

        assertTrue(call.waiting());
        assertTrue(scaler.calls.isEmpty(), "desired is 1 already: the orchestrator retries, no scale-up");
        cs.changed(failing, function(1, List.of(replica("task-3")), Map.of(), failing.lastFailure()));
        assertTrue(call.proceeded());
    }

    @Test
    void aFailingScalerRefusesTheHeldCallsAndTheNextCallTriesAgain() {
        ColdStarts cs = coldStarts();
        scaler.failWith = new ManagementException(ManagementException.Reason.UNAVAILABLE,
                "the orchestrator cannot be reached");
        RecordingCall call = new RecordingCall();

        cs.hold(atZero(), call);

        assertEquals(Refusal.START_FAILED, call.refusal);
        assertTrue(call.message.contains("the orchestrator cannot be reached"), call.message);
        assertEquals(List.of(Refusal.START_FAILED), events.refused);

        scaler.failWith = new IllegalStateException("boom");
        RecordingCall again = new RecordingCall();
        cs.hold(atZero(), again);
        assertEquals(2, scaler.calls.size(), "a failed scale-up is not taken as one in progress");
        assertEquals(Refusal.START_FAILED, again.refusal);
        assertTrue(again.message.contains("boom"), again.message);

        scaler.failWith = null;
        RecordingCall third = new RecordingCall();
        cs.hold(atZero(), third);
        assertEquals(3, scaler.calls.size());
        assertTrue(third.waiting());
        cs.changed(atZero(), ready());
        assertTrue(third.proceeded());
    }

    // ---- refusals ----

    @Test
    void callsBeyondTheQueueBoundAreRefusedQueueFullAndTheOthersStillProceed() {
        ColdStarts cs = coldStarts(new Settings(true, LONG_TIMEOUT, 2, 20));
        List<RecordingCall> calls = calls(3);
        for (RecordingCall c : calls) {
            cs.hold(atZero(), c);
        }

        assertTrue(calls.get(0).waiting());
        assertTrue(calls.get(1).waiting());
        assertEquals(Refusal.QUEUE_FULL, calls.get(2).refusal);
        assertTrue(calls.get(2).message.contains("scale_from_zero_queue"), calls.get(2).message);
        assertEquals(List.of(Refusal.QUEUE_FULL), events.refused);

        cs.changed(atZero(), ready());
        assertTrue(calls.get(0).proceeded());
        assertTrue(calls.get(1).proceeded());
        assertEquals(1, calls.get(2).answers.get());
        assertEquals(1, scaler.calls.size());
    }

    @Test
    void aCallHeldLongerThanTheTimeoutIsRefusedTimedOutNamingTheSettingAndTheLastFailure() throws Exception {
        ColdStarts cs = coldStarts(new Settings(true, Duration.ofMillis(50), 100, 20));
        StartFailure old = new StartFailure("task: non-zero exit (2)", wall.get().minusSeconds(60));
        Function atZero = function(0, List.of(), Map.of(), old);
        RecordingCall call = new RecordingCall();

        cs.hold(atZero, call);

        assertTrue(call.answered.await(10, TimeUnit.SECONDS), "refused by the timer");
        assertEquals(Refusal.TIMED_OUT, call.refusal);
        assertTrue(call.message.contains("scale_from_zero_timeout"), call.message);
        assertTrue(call.message.contains("task: non-zero exit (2)"), call.message);
        assertEquals(List.of(Refusal.TIMED_OUT), events.refused);

        cs.changed(atZero, function(1, List.of(replica("task-1")), Map.of(), old));
        assertEquals(1, call.answers.get(), "a timed-out call is never resumed");
    }

    @Test
    void theTimeoutMessageStatesTheConfiguredTimeoutAsTheOperatorWroteIt() throws Exception {
        ColdStarts cs = coldStarts(new Settings(true, Duration.ofMillis(50), 100, 20));
        RecordingCall call = new RecordingCall();

        cs.hold(atZero(), call);

        assertTrue(call.answered.await(10, TimeUnit.SECONDS));
        assertEquals(Refusal.TIMED_OUT, call.refusal);
        assertTrue(call.message.contains("within 50ms"), "a 50ms timeout is not \"0s\": " + call.message);
    }

    @Test
    void heldCallsOfARemovedFunctionAreRefusedGone() {
        ColdStarts cs = coldStarts();
        List<RecordingCall> calls = calls(2);
        for (RecordingCall c : calls) {
            cs.hold(atZero(), c);
        }

        cs.changed(atZero(), null);

        for (RecordingCall c : calls) {
            assertEquals(Refusal.GONE, c.refusal);
            assertTrue(c.message.contains("removed"), c.message);
        }
        assertEquals(List.of(Refusal.GONE, Refusal.GONE), events.refused);

        cs.changed(null, ready()); // a new function of the same id: nothing of the old calls is left
        assertTrue(calls.stream().allMatch(c -> c.answers.get() == 1));
    }

    @Test
    void withScaleFromZeroOffACallWithoutAReadyReplicaIsRefusedOffAndNothingIsScaled() {
        ColdStarts cs = coldStarts(new Settings(false, LONG_TIMEOUT, 100, 20));
        RecordingCall call = new RecordingCall();

        cs.hold(atZero(), call);

        assertEquals(Refusal.OFF, call.refusal);
        assertTrue(call.message.contains("scale_from_zero is off"), call.message);
        assertTrue(scaler.calls.isEmpty());
        assertEquals(List.of(Refusal.OFF), events.refused);
        assertTrue(cs.enter(ready()), "a ready function is still entered");
    }

    // ---- the cold start event ----

    @Test
    void aColdStartEventCarriesTheHeldCountAndItsPhasesFromTheFirstHeldCall() {
        ColdStarts cs = coldStarts();
        Instant heldAt = wall.get();
        cs.hold(atZero(), new RecordingCall());
        advance(Duration.ofSeconds(1));
        cs.hold(atZero(), new RecordingCall());
        cs.changed(atZero(), starting());
        advance(Duration.ofSeconds(4));

        Replica.Startup startup = new Replica.Startup(heldAt.plusMillis(2000), heldAt.plusMillis(3500),
                heldAt.plusMillis(4250));
        Function ready = function(1, List.of(new Replica("task-1", "c1", URI.create("http://10.0.0.7:8080/"),
                startup)), Map.of(), null);
        cs.changed(starting(), ready);

        assertEquals(1, events.started.size());
        ColdStart c = events.started.get(0);
        assertEquals(2, c.held());
        assertEquals(Duration.ofSeconds(5), c.total(), "from the first held call, on the nanos clock");
        assertEquals(Duration.ofMillis(2000), c.scheduling());
        assertEquals(Duration.ofMillis(1500), c.containerStart());
        assertEquals(Duration.ofMillis(750), c.processReady());
    }

    @Test
    void phasesNotSeenAreNullInTheColdStartEvent() {
        ColdStarts cs = coldStarts();
        Instant heldAt = wall.get();
        cs.hold(atZero(), new RecordingCall());
        advance(Duration.ofSeconds(3));

        // Created before the call was held (someone else started it), started unknown (another node).
        Replica.Startup startup = new Replica.Startup(heldAt.minusSeconds(1), null, heldAt.plusSeconds(2));
        cs.changed(atZero(), function(1, List.of(new Replica("task-1", "c1", URI.create("http://10.0.0.7:8080/"),
                startup)), Map.of(), null));

        ColdStart c = events.started.get(0);
        assertEquals(1, c.held());
        assertEquals(Duration.ofSeconds(3), c.total());
        assertNull(c.scheduling());
        assertNull(c.containerStart());
        assertNull(c.processReady());
    }

    @Test
    void aReplicaFoundRunningGivesAColdStartWithoutPhases() {
        ColdStarts cs = coldStarts();
        cs.hold(atZero(), new RecordingCall());
        advance(Duration.ofMillis(1200));
        cs.changed(atZero(), ready()); // no Startup: the gateway did not see it start

        ColdStart c = events.started.get(0);
        assertEquals(new ColdStart(1, Duration.ofMillis(1200), null, null, null), c);
    }

    // ---- drains (IdleScaler going to zero) ----

    @Test
    void callsHeldWhileADrainRunsAreReleasedByUndrainWhenReplicasAreStillThere() {
        ColdStarts cs = coldStarts();
        Function ready = ready();
        ColdStarts.Gate g = cs.gateOf(ready);
        assertTrue(cs.drainIfIdle(g, Duration.ofMinutes(1).toNanos()));

        assertFalse(cs.enter(ready), "no fast path during a drain");
        List<RecordingCall> calls = calls(2);
        for (RecordingCall c : calls) {
            cs.hold(ready, c);
        }
        assertTrue(calls.stream().allMatch(RecordingCall::waiting), "held, not sent to a replica going away");
        cs.changed(ready, function(1, List.of(replica("task-1"), replica("task-2")), Map.of(), null));
        assertTrue(calls.stream().allMatch(RecordingCall::waiting), "a change during the drain releases nothing");

        cs.undrain(g);

        assertTrue(calls.stream().allMatch(RecordingCall::proceeded));
        assertTrue(scaler.calls.isEmpty());
        assertTrue(events.started.isEmpty(), "waiting for a drain is not a cold start");
        assertEquals(2, g.inFlight);
        assertTrue(cs.enter(ready), "the fast path is back");
    }

    @Test
    void callsHeldWhileADrainRunsStartTheFunctionAgainWhenItReachedZeroMeanwhile() {
        ColdStarts cs = coldStarts();
        Function ready = ready();
        ColdStarts.Gate g = cs.gateOf(ready);
        assertTrue(cs.drainIfIdle(g, Duration.ofMinutes(1).toNanos()));
        List<RecordingCall> calls = calls(3);
        for (RecordingCall c : calls) {
            cs.hold(ready, c);
        }

        cs.changed(ready, atZero()); // the scale to zero landed
        assertTrue(scaler.calls.isEmpty(), "no scale-up while the drain runs");
        assertTrue(calls.stream().allMatch(RecordingCall::waiting));

        cs.undrain(g);
        assertEquals(List.of(SERVICE + "=1"), scaler.calls, "one scale-up for all the calls held");
        assertTrue(calls.stream().allMatch(RecordingCall::waiting));

        cs.changed(atZero(), starting());
        cs.changed(starting(), ready());
        assertTrue(calls.stream().allMatch(RecordingCall::proceeded));
        assertEquals(1, scaler.calls.size());
        assertEquals(1, events.started.size(), "that is a cold start");
        assertEquals(3, events.started.get(0).held());
    }

    @Test
    void aCallHeldWhileADrainRunsIsNotRefusedForARecentFailureWhileReplicasAreReady() {
        ColdStarts cs = coldStarts();
        // desired 2, one replica ready, the other died a few seconds ago: the function can still serve.
        Function oneDied = function(2, List.of(replica("task-1")), Map.of(),
                new StartFailure("task: non-zero exit (137)", wall.get().minusSeconds(3)));
        ColdStarts.Gate g = cs.gateOf(oneDied);
        assertTrue(cs.drainIfIdle(g, Duration.ofMinutes(1).toNanos()));
        RecordingCall call = new RecordingCall();

        cs.hold(oneDied, call);

        assertTrue(call.waiting(), "it waits for the drain, not for a start: refused " + call.refusal + " ("
                + call.message + ")");
        cs.undrain(g);
        assertTrue(call.proceeded());
    }

    @Test
    void drainIfIdleRefusesWhileACallIsInFlightOrTheIdleTimeHasNotPassed() {
        ColdStarts cs = coldStarts();
        Function ready = ready();
        long minute = Duration.ofMinutes(1).toNanos();
        assertTrue(cs.enter(ready));
        ColdStarts.Gate g = cs.gateOf(ready);

        advance(Duration.ofMinutes(5));
        assertFalse(cs.drainIfIdle(g, minute), "a call in flight");
        cs.exit(ready);
        advance(Duration.ofSeconds(59));
        assertFalse(cs.drainIfIdle(g, minute), "idle 59s of 60s");
        advance(Duration.ofSeconds(1));
        assertTrue(cs.drainIfIdle(g, minute));
        assertFalse(cs.drainIfIdle(g, minute), "already draining");
        cs.undrain(g);
    }

    @Test
    void aFunctionRemovedDuringADrainRefusesItsHeldCallsGone() {
        ColdStarts cs = coldStarts();
        Function ready = ready();
        ColdStarts.Gate g = cs.gateOf(ready);
        assertTrue(cs.drainIfIdle(g, 0));
        RecordingCall call = new RecordingCall();
        cs.hold(ready, call);

        cs.changed(ready, null);
        cs.undrain(g);

        assertEquals(Refusal.GONE, call.refusal);
        assertEquals(1, call.answers.get());
        assertTrue(scaler.calls.isEmpty());
        assertNull(call.proceededWith);
    }
}
