package dev.faas.gateway.scaling;

import dev.faas.gateway.provider.Function;
import dev.faas.gateway.provider.Replica;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idle → zero: every opted-in function ({@link ScaleToZero}) that has had no call for its idle time goes to zero
 * replicas; one with a call in flight or held never does.
 * <p>
 * The gateway's own count is not the whole story: another gateway, or this one before a restart, may have sent the
 * calls. So before scaling down, every replica is asked ({@link ReplicaActivity}: the watchdog's in-flight count and
 * idle seconds), and the function goes to zero only when all of them are idle long enough too; a busy one moves the
 * function's last activity forward instead. A replica that cannot say how long it has been idle is taken as active
 * when this gateway started (so a restart never scales down a function it knows nothing of too early), and one
 * that cannot be reached at all stops the scale-down for this round. While the check and the scale-down run, new
 * calls are held ({@link ColdStarts}) and go on afterwards, starting the function again if it reached zero.
 * <p>
 * A function with no ready replica (starting, or failing to) is left alone. {@link #check} runs every second; it
 * costs a comparison per function until one is due.
 */
public final class IdleScaler {
    private static final Logger LOG = LoggerFactory.getLogger(IdleScaler.class);

    /** What one replica says of its calls; idle is null when it does not tell. */
    public record Report(long inFlight, Duration idle) {}

    /** Asks a replica how busy it is; empty when it cannot be reached. Blocking. */
    @FunctionalInterface
    public interface ReplicaActivity {
        Optional<Report> read(Replica replica);
    }

    private final Supplier<List<Function>> functions;
    private final ColdStarts gates;
    private final ColdStarts.Scaler scaler;
    private final ReplicaActivity activity;
    private final Duration defaultIdle;
    private final Executor worker;

    public IdleScaler(Supplier<List<Function>> functions, ColdStarts gates, ColdStarts.Scaler scaler,
                      ReplicaActivity activity, Duration defaultIdle, Executor worker) {
        this.functions = functions;
        this.gates = gates;
        this.scaler = scaler;
        this.activity = activity;
        this.defaultIdle = defaultIdle;
        this.worker = worker;
    }

    /** One round: starts a check of each opted-in function that is due. */
    public void check() {
        for (Function f : functions.get()) {
            if (!f.hasReadyReplica() || !ScaleToZero.optedIn(f.labels())) {
                continue;
            }
            long idle = ScaleToZero.idleTime(f.labels(), defaultIdle).toNanos();
            ColdStarts.Gate g = gates.gateOf(f);
            if (gates.drainIfIdle(g, idle)) { // false while a check of this function still runs: it drains
                worker.execute(() -> {
                    try {
                        confirmAndScaleDown(f, g, idle);
                    } finally {
                        gates.undrain(g);
                    }
                });
            }
        }
    }

    private void confirmAndScaleDown(Function f, ColdStarts.Gate g, long idleNanos) {
        long shortest = Long.MAX_VALUE;
        for (Replica r : f.replicas()) {
            Optional<Report> report = activity.read(r);
            if (report.isEmpty()) {
                return; // cannot tell: next round
            }
            long idle = report.get().inFlight() > 0 ? 0
                    : report.get().idle() == null ? gates.now() - g.createdNanos : report.get().idle().toNanos();
            shortest = Math.min(shortest, idle);
        }
        if (shortest < idleNanos) {
            gates.active(g, shortest);
            return;
        }
        try {
            scaler.scale(f.serviceName(), 0);
            LOG.info("event=scaled_to_zero function={} idle_s={} replicas={}", f.name(),
                    shortest == Long.MAX_VALUE ? "unknown" : shortest / 1_000_000_000L, f.desiredReplicas());
        } catch (Exception e) {
            LOG.warn("event=scale_to_zero_failed function={} problem=\"{}\" action=\"retried next round\"", f.name(),
                    e.getMessage());
        }
    }
}
