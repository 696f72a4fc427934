package dev.faas.gateway.scaling;

import dev.faas.common.Durations;
import dev.faas.gateway.provider.Function;
import dev.faas.gateway.provider.FunctionRegistry;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.StartFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every call to a function passes here, from whichever door it came through: it is let through at once when a
 * replica is ready ({@link #enter}), else held ({@link #hold}) until one is. Holding a call to a function at zero
 * replicas scales it to its minimum (at least 1), once however many calls arrive during that start; the held calls
 * go on the moment the registry has a ready replica. A bounded queue per function and scale_from_zero_timeout
 * refuse the rest, and a replica that fails to start refuses them with the orchestrator's own reason.
 * <p>
 * The calls in flight and the time of the last one are counted here too, under the same per-function lock, so
 * {@link IdleScaler} can take a function to zero without ever racing a call: while it does, new calls are held
 * (as for a cold start) instead of sent to a replica that is going away.
 * <p>
 * No HTTP and no Docker: the front door supplies a {@link Call}, the provider a {@link Scaler}.
 */
public final class ColdStarts implements FunctionRegistry.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(ColdStarts.class);
    /** A start failure this recent answers a new call at once instead of holding it until the next one. */
    static final Duration FAILURE_MEMORY = Duration.ofSeconds(10);

    /** Why a held call was refused. */
    public enum Refusal { QUEUE_FULL, TIMED_OUT, START_FAILED, GONE, OFF }

    /** A held call, as its front door resumes or answers it. Either method runs once, on a gateway thread. */
    public interface Call {
        void proceed(Function function);

        void refuse(Refusal why, String message);
    }

    /** Sets a function's desired replicas (the provider's management). */
    @FunctionalInterface
    public interface Scaler {
        void scale(String name, int replicas) throws ManagementException;
    }

    /** Told about cold starts and held calls, for metrics. */
    public interface Events {
        void held(String function);

        void refused(String function, Refusal why);

        void started(String function, ColdStart start);
    }

    /**
     * One cold start, from the first held call to its release; phases are null where they were not seen.
     *
     * @param scheduling     first held call to the replica's container created (the scale request, Swarm's scheduling)
     * @param containerStart container created to started (on Swarm: mostly attaching it to the overlay network)
     * @param processReady   container started to the watchdog answering the gateway's probe
     */
    public record ColdStart(int held, Duration total, Duration scheduling, Duration containerStart,
                            Duration processReady) {}

    /** scale_from_zero, scale_from_zero_timeout, scale_from_zero_queue and max_replicas. */
    public record Settings(boolean enabled, Duration timeout, int queueLimit, int maxReplicas) {}

    private final Settings settings;
    private final Scaler scaler;
    private final Executor worker;
    private final ScheduledExecutorService timer;
    private final LongSupplier nanos;
    private final Supplier<Instant> wall;
    private final Events events;
    private final Map<String, Gate> gates = new ConcurrentHashMap<>();

    public ColdStarts(Settings settings, Scaler scaler, Executor worker, ScheduledExecutorService timer,
                      LongSupplier nanos, Supplier<Instant> wall, Events events) {
        this.settings = settings;
        this.scaler = scaler;
        this.worker = worker;
        this.timer = timer;
        this.nanos = nanos;
        this.wall = wall;
        this.events = events;
    }

    /** A held call and what ends its wait. */
    private static final class Waiter {
        final Call call;
        ScheduledFuture<?> expiry;

        Waiter(Call call) {
            this.call = call;
        }
    }

    /** One function's calls: in flight, last seen, held; guarded by its own monitor. */
    static final class Gate {
        final String name;
        final long createdNanos;
        Function latest;
        int inFlight;
        /** Nanos of the last call's start or end, or of the last activity a replica reported; MIN_VALUE: unknown. */
        long lastActive = Long.MIN_VALUE;
        boolean draining;
        boolean scalingUp;
        final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
        long heldSinceNanos;
        Instant heldSince;
        /** The held calls wait for a replica to start (not only for a drain to end): their release is a cold start. */
        boolean coldStart;

        Gate(Function f, long now) {
            this.name = f.name();
            this.latest = f;
            this.createdNanos = now;
        }
    }

    /** The fast path: true (and counted in flight) when a replica is ready; false means {@link #hold}. */
    public boolean enter(Function f) {
        if (!f.hasReadyReplica()) {
            return false;
        }
        Gate g = gate(f);
        synchronized (g) {
            if (g.draining) {
                return false;
            }
            g.inFlight++;
            g.lastActive = nanos.getAsLong();
            return true;
        }
    }

    /** A call that entered has ended. */
    public void exit(Function f) {
        Gate g = gates.get(f.id());
        if (g != null) {
            synchronized (g) {
                g.inFlight = Math.max(0, g.inFlight - 1);
                g.lastActive = nanos.getAsLong();
            }
        }
    }

    /** Holds a call until the function has a ready replica, starting one when it has none; see the class comment. */
    public void hold(Function f, Call call) {
        Gate g = gate(f);
        Refusal refusal = null;
        String message = null;
        boolean scale = false;
        Function admitted = null;
        synchronized (g) {
            Function now = g.latest;
            if (now.hasReadyReplica() && !g.draining) {
                g.inFlight++;
                g.lastActive = nanos.getAsLong();
                admitted = now; // became ready in between
            } else if (!settings.enabled()) {
                refusal = Refusal.OFF;
                message = "no ready replica of function " + now.name() + " (scale_from_zero is off): try again shortly";
            } else if (now.desiredReplicas() > 0 && !now.hasReadyReplica() && isRecent(now.lastFailure())
                    && !g.scalingUp) {
                refusal = Refusal.START_FAILED;
                message = failed(now.name(), now.lastFailure());
            } else if (g.waiters.size() >= settings.queueLimit()) {
                refusal = Refusal.QUEUE_FULL;
                message = "function " + now.name() + " is starting and " + settings.queueLimit()
                        + " calls wait for it already (scale_from_zero_queue): try again shortly";
            } else {
                Waiter w = new Waiter(call);
                if (g.waiters.isEmpty()) {
                    g.heldSinceNanos = nanos.getAsLong();
                    g.heldSince = wall.get();
                    g.coldStart = !now.hasReadyReplica();
                }
                g.waiters.add(w);
                w.expiry = timer.schedule(() -> expire(g, w), settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
                scale = needsScaleUp(g);
            }
        }
        if (refusal != null) {
            events.refused(f.name(), refusal);
            call.refuse(refusal, message);
            return;
        }
        if (admitted != null) {
            call.proceed(admitted);
            return;
        }
        events.held(f.name());
        if (scale) {
            scaleUp(g);
        }
    }

    @Override
    public void changed(Function before, Function after) {
        if (after == null) {
            Gate g = gates.remove(before.id());
            if (g != null) {
                List<Waiter> gone;
                synchronized (g) {
                    gone = takeAll(g);
                }
                refuseAll(g.name, gone, Refusal.GONE, "function " + before.name() + " was removed while the call waited");
            }
            return;
        }
        Gate g = gates.get(after.id());
        if (g == null) {
            return; // the first call makes its gate
        }
        settle(g, after);
    }

    /** Takes a function's new state: releases, refuses or (re)starts its held calls. */
    private void settle(Gate g, Function after) {
        List<Waiter> release = List.of();
        List<Waiter> refuse = List.of();
        String failure = null;
        boolean scale = false;
        boolean coldStart = false;
        long total = 0;
        synchronized (g) {
            g.latest = after;
            if (after.desiredReplicas() > 0) {
                g.scalingUp = false;
            }
            if (!g.waiters.isEmpty() && !g.draining) {
                if (after.hasReadyReplica()) {
                    total = nanos.getAsLong() - g.heldSinceNanos;
                    coldStart = g.coldStart;
                    release = takeAll(g);
                    g.inFlight += release.size();
                    g.lastActive = nanos.getAsLong();
                } else if (after.lastFailure() != null && g.heldSince != null
                        && after.lastFailure().at().isAfter(g.heldSince)) {
                    failure = failed(after.name(), after.lastFailure());
                    refuse = takeAll(g);
                } else {
                    scale = needsScaleUp(g);
                }
            }
        }
        if (!release.isEmpty()) {
            if (coldStart) {
                ColdStart c = coldStart(release.size(), total, g, after);
                events.started(after.name(), c);
                LOG.info("event=cold_start function={} held={} total_ms={} scheduling_ms={} container_start_ms={} "
                        + "process_ready_ms={}", after.name(), c.held(), c.total().toMillis(), millis(c.scheduling()),
                        millis(c.containerStart()), millis(c.processReady()));
            }
            for (Waiter w : release) {
                w.call.proceed(after);
            }
        }
        refuseAll(after.name(), refuse, Refusal.START_FAILED, failure);
        if (scale) {
            scaleUp(g);
        }
    }

    private boolean needsScaleUp(Gate g) {
        if (g.draining || g.scalingUp || g.latest.desiredReplicas() > 0 || g.waiters.isEmpty()) {
            return false;
        }
        g.scalingUp = true;
        g.coldStart = true;
        return true;
    }

    private void scaleUp(Gate g) {
        Function f;
        synchronized (g) {
            f = g.latest;
        }
        int target = Math.max(1, ReplicaBounds.fromLabels(f.labels(), settings.maxReplicas()).min());
        worker.execute(() -> {
            try {
                scaler.scale(f.serviceName(), target);
            } catch (ManagementException | RuntimeException e) {
                List<Waiter> refuse;
                synchronized (g) {
                    g.scalingUp = false;
                    refuse = takeAll(g);
                }
                refuseAll(f.name(), refuse, Refusal.START_FAILED, "function " + f.name() + " could not be scaled up "
                        + "from zero: " + e.getMessage());
            }
        });
    }

    private void expire(Gate g, Waiter w) {
        Function f;
        synchronized (g) {
            if (!g.waiters.remove(w)) {
                return;
            }
            f = g.latest;
        }
        StartFailure last = f.lastFailure();
        String message = "function " + f.name() + " did not become ready within "
                + Durations.format(settings.timeout()) + " (scale_from_zero_timeout)" + (last == null ? "" : "; its last failure: " + last.reason());
        events.refused(f.name(), Refusal.TIMED_OUT);
        w.call.refuse(Refusal.TIMED_OUT, message);
    }

    private static List<Waiter> takeAll(Gate g) {
        List<Waiter> all = new ArrayList<>(g.waiters);
        g.waiters.clear();
        for (Waiter w : all) {
            if (w.expiry != null) {
                w.expiry.cancel(false);
            }
        }
        return all;
    }

    private void refuseAll(String function, List<Waiter> waiters, Refusal why, String message) {
        if (!waiters.isEmpty()) {
            LOG.warn("event=cold_start_failed function={} refused={} reason=\"{}\" action=\"see the function's tasks: "
                    + "docker service ps --no-trunc\"", function, waiters.size(), message);
        }
        for (Waiter w : waiters) {
            events.refused(function, why);
            w.call.refuse(why, message);
        }
    }

    private boolean isRecent(StartFailure failure) {
        return failure != null && failure.at().isAfter(wall.get().minus(FAILURE_MEMORY));
    }

    private static String failed(String name, StartFailure failure) {
        return "function " + name + " cannot start a replica: " + failure.reason();
    }

    private ColdStart coldStart(int held, long totalNanos, Gate g, Function f) {
        Instant created = null;
        Instant started = null;
        Instant ready = null;
        for (var r : f.replicas()) {
            if (r.startup() != null) {
                created = r.startup().created();
                started = r.startup().started();
                ready = r.startup().ready();
                break;
            }
        }
        return new ColdStart(held, Duration.ofNanos(totalNanos), between(g.heldSince, created),
                between(created, started), between(started, ready));
    }

    private static String millis(Duration d) {
        return d == null ? "unknown" : Long.toString(d.toMillis());
    }

    private static Duration between(Instant a, Instant b) {
        return a == null || b == null || b.isBefore(a) ? null : Duration.between(a, b);
    }

    private Gate gate(Function f) {
        Gate g = gates.get(f.id());
        return g != null ? g : gates.computeIfAbsent(f.id(), id -> new Gate(f, nanos.getAsLong()));
    }

    // ---- for IdleScaler: the same lock decides between a call and going to zero ----

    /** The gate of a function the registry has, made on first sight. */
    Gate gateOf(Function f) {
        Gate g = gate(f);
        synchronized (g) {
            g.latest = f;
        }
        return g;
    }

    long now() {
        return nanos.getAsLong();
    }

    /** Starts a scale to zero when nothing is in flight or held and the function was idle that long; new calls wait. */
    boolean drainIfIdle(Gate g, long idleNanos) {
        synchronized (g) {
            boolean idle = g.lastActive == Long.MIN_VALUE || nanos.getAsLong() - g.lastActive >= idleNanos;
            if (g.inFlight > 0 || !g.waiters.isEmpty() || g.draining || !idle) {
                return false;
            }
            g.draining = true;
            return true;
        }
    }

    /** A replica reported activity {@code agoNanos} before now: the function is not idle since then. */
    void active(Gate g, long agoNanos) {
        synchronized (g) {
            long at = nanos.getAsLong() - agoNanos;
            if (g.lastActive == Long.MIN_VALUE || at > g.lastActive) {
                g.lastActive = at;
            }
        }
    }

    /** Ends a drain (done or called off); calls held meanwhile go on or start the function again. */
    void undrain(Gate g) {
        Function f;
        synchronized (g) {
            g.draining = false;
            f = g.latest;
        }
        settle(g, f);
    }
}
