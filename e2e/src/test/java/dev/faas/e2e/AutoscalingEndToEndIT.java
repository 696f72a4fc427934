package dev.faas.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One autoscaling cycle of a stack brought up by scripts/up.sh, with the shipped alert rule and AlertManager
 * timings: a steady load above 5 calls/s on catservice makes APIHighInvocationRate fire, AlertManager calls the
 * gateway's /system/alert, the service grows (seen by `docker service ls`); when the load stops the alert
 * resolves and the service goes back to its minimum. The whole cycle must take under two minutes.
 */
class AutoscalingEndToEndIT {

    private static final String FUNCTION = "catservice";
    private static final int CALLS_PER_SECOND = 15;
    private static final String FIRING = "ALERTS{alertname=\"APIHighInvocationRate\",alertstate=\"firing\",function_name=\""
            + FUNCTION + "\"}";

    private static BringUp stack;

    @BeforeAll
    static void bringUpTheStackWithTheRealScript() {
        stack = new BringUp("e2escale");
        stack.upOrFail();
    }

    @AfterAll
    static void removeTheStackWithItsSecrets() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aSteadyLoadScalesTheFunctionUpAndItsEndBringsItBackToTheMinimumWithinTwoMinutes() {
        PrometheusApi prometheus = PrometheusApi.onLoopback(stack.prometheusPort);
        assertEquals(1, stack.desiredReplicas(FUNCTION), "starts at its minimum");
        assertEquals("1/1", stack.replicas(FUNCTION), () -> "its replica is not running: " + Cli.docker("service", "ps",
                "--no-trunc", "--format", "{{.Name}} {{.CurrentState}} {{.Error}}", stack.service(FUNCTION)));
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(120).toNanos();
        Map<String, Integer> answers;
        double fired;
        double scaledUp;
        double grown;
        try (Traffic load = new Traffic(new GatewayClient(stack.gatewayPort)).call(FUNCTION, CALLS_PER_SECOND, "x")) {
            fired = waitFor("the alert fires", deadline, start, () -> !prometheus.query(FIRING).isEmpty());
            scaledUp = waitFor("the gateway raises the desired replicas", deadline, start,
                    () -> stack.desiredReplicas(FUNCTION) > 1);
            grown = waitFor("docker service ls shows the new replicas running", deadline, start, () -> {
                String[] r = stack.replicas(FUNCTION).split("/");
                return r.length == 2 && r[0].equals(r[1]) && Integer.parseInt(r[1]) > 1;
            });
            answers = load.answers();
        }
        double stopped = seconds(start);
        String peak = stack.replicas(FUNCTION);
        double resolved = waitFor("the alert resolves", deadline, start, () -> prometheus.query(FIRING).isEmpty());
        double down = waitFor("the service is back at its minimum", deadline, start,
                () -> stack.desiredReplicas(FUNCTION) == 1 && stack.replicas(FUNCTION).equals("1/1"));
        System.out.printf("AutoscalingEndToEndIT: %d calls/s on %s: alert firing after %.1fs, desired replicas raised"
                        + " after %.1fs, %s running after %.1fs; load stopped at %.1fs; alert resolved after %.1fs,"
                        + " back to 1/1 after %.1fs (%.1fs after the load stopped); answers %s%n",
                CALLS_PER_SECOND, FUNCTION, fired, scaledUp, peak, grown, stopped, resolved, down, down - stopped, answers);

        String alerts = Cli.docker("service", "logs", "--raw", stack.service("gateway"));
        assertTrue(alerts.contains("event=alert function=" + FUNCTION + " status=firing"), "the gateway logged no firing alert");
        assertTrue(alerts.contains("event=alert function=" + FUNCTION + " status=resolved"), "the gateway logged no resolved alert");
        int total = answers.values().stream().mapToInt(Integer::intValue).sum();
        int ok = answers.getOrDefault(FUNCTION + " 200", 0);
        assertTrue(ok >= total * 0.99, "calls failed while the function scaled: " + answers);
    }

    /** Polls {@code done} every half second until the deadline; the seconds since {@code start} when it held. */
    private static double waitFor(String what, long deadline, long start, BooleanSupplier done) {
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) {
                return seconds(start);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what);
            }
        }
        throw new AssertionError("the autoscaling cycle took over two minutes: still waiting until " + what
                + " (replicas " + stack.replicas(FUNCTION) + ")");
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
