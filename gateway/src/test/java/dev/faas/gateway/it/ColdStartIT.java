package dev.faas.gateway.it;

import static dev.faas.gateway.it.GatewayClient.status;
import static dev.faas.gateway.it.GatewayClient.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Scale to zero and back against the real swarm: calls held while a function starts from zero, one scale-up for
 * many calls, a start that cannot succeed, idle functions going to zero (never while busy, also across a gateway
 * restart), and alert scaling beside it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ColdStartIT extends SecuredGateway {

    @Override
    String prefix() {
        return "zeroit";
    }

    @Test
    @Order(1)
    void fiftyCallsToAFunctionAtZeroShareOneScaleUpAndAreAllServed() throws Exception {
        String fn = stack.function("cold");
        assertEquals(202, status(gw.api("POST", "/system/functions", deployment(fn, "faas/catservice", "", "{}",
                "{\"com.openfaas.scale.min\": \"0\"}"))));
        assertEquals(0, replicas(fn), "min 0: deployed at zero");
        ExecutorService callers = Executors.newFixedThreadPool(50);
        try {
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String body = "call-" + i;
                calls.add(callers.submit(() -> gw.call("POST", "/function/" + fn, body, null)));
            }
            for (int i = 0; i < 50; i++) {
                HttpResponse<String> r = calls.get(i).get();
                assertEquals(200, r.statusCode(), r.body());
                assertEquals("call-" + i, r.body());
            }
        } finally {
            callers.shutdownNow();
        }
        assertEquals(1, replicas(fn), "scaled to its minimum, at least 1");
        String log = gatewayLog();
        assertEquals(1, count(log, "event=function_scaled name=" + fn + " replicas=1"), "one scale-up:\n" + log);
        Matcher start = Pattern.compile("event=cold_start function=" + fn + " held=(\\d+) total_ms=\\d+").matcher(log);
        assertTrue(start.find(), "one log line per cold start:\n" + log);
        assertTrue(Integer.parseInt(start.group(1)) >= 1);
        String metrics = gw.call("GET", "/metrics", null, null).body();
        assertTrue(metrics.contains("gateway_function_cold_start_seconds_count{function_name=\"" + fn + "\"} 1"),
                metrics);
        assertTrue(metrics.contains("gateway_function_cold_start_phase_seconds_count{function_name=\"" + fn
                + "\",phase=\"process_ready\"} 1"), metrics);
    }

    @Test
    @Order(2)
    void scaledToZeroThroughTheApiALargeBodyIsHeldWholeAndComesBack() throws Exception {
        String fn = stack.function("cold");
        HttpResponse<String> scaled = gw.api("POST", "/system/scale-function/" + fn, "{\"replicas\": 0}");
        assertEquals(200, scaled.statusCode(), scaled.body());
        waitFor("no replica left", Duration.ofSeconds(60), () -> JSON.readTree(gw.api("GET", "/system/function/" + fn,
                null).body()).path("availableReplicas").asInt() == 0 && replicas(fn) == 0);
        String big = "x".repeat(3 * 1024 * 1024 + 7);
        HttpResponse<String> r = gw.call("POST", "/function/" + fn, big, null);
        assertEquals(200, r.statusCode());
        assertEquals(big.length(), r.body().length(), "every byte of a body beyond request_buffer arrives");
        assertEquals(big, r.body());
    }

    @Test
    @Order(3)
    void aFunctionWhoseImageIsMissingAnswers503WithSwarmsReason() throws Exception {
        String fn = stack.function("noimage");
        // The API refuses a missing image up front; a service made by other tools can still have one.
        Cli.run("docker", "service", "create", "--quiet", "--detach", "--no-resolve-image", "--name", fn,
                "--label", "function=true", "--label", "dev.faas.test=" + stack.name, "--network", stack.network,
                "--endpoint-mode", "dnsrr", "--replicas", "0", "faas/no-such-image:" + stack.name);
        // The management API reads Docker directly; routing knows the service once its event or resync came in.
        AtomicReference<HttpResponse<String>> first = new AtomicReference<>();
        waitFor("the gateway routes it", Duration.ofSeconds(30), () -> {
            first.set(gw.call("POST", "/function/" + fn, "x", null));
            return first.get().statusCode() != 404;
        });
        HttpResponse<String> r = first.get();
        assertEquals(503, r.statusCode(), "the task's failure, not the 30 s timeout (504): " + r.body());
        assertTrue(r.body().contains("No such image"), r.body());
        HttpResponse<String> again = gw.call("POST", "/function/" + fn, "x", null);
        assertEquals(503, again.statusCode(), again.body());
        assertTrue(again.body().contains("No such image"), "a recent failure answers at once: " + again.body());
    }

    @Test
    @Order(4)
    void anIdleFunctionGoesToZeroButNeverWithACallInFlight() throws Exception {
        String fn = stack.function("idle");
        assertEquals(202, status(gw.api("POST", "/system/functions", deployment(fn, "faas/sleep", "", "{}",
                "{\"com.openfaas.scale.zero\": \"true\", \"com.openfaas.scale.zero-duration\": \"2s\"}"))));
        waitFor("it serves", Duration.ofSeconds(60), () -> gw.invoke(fn + "?seconds=0").contains("slept"));
        CompletableFuture<HttpResponse<String>> longCall = CompletableFuture.supplyAsync(() -> {
            try {
                return gw.call("POST", "/function/" + fn + "?seconds=8", "", null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        SwarmStack.sleep(5000); // well past its idle time of 2 s, with the call in flight
        assertEquals(1, replicas(fn), "not scaled down while a call is in flight");
        HttpResponse<String> r = longCall.get();
        assertEquals(200, r.statusCode(), r.body());
        waitFor("idle, it goes to zero", Duration.ofSeconds(60), () -> replicas(fn) == 0);
        assertTrue(gatewayLog().contains("event=scaled_to_zero function=" + fn), "logged");
        assertTrue(gw.invoke(fn + "?seconds=0").contains("slept"), "a later call brings it back");
        assertEquals(1, replicas(fn));
    }

    @Test
    @Order(5)
    void aCallTheGatewayNeverSawKeepsItsFunctionUpAndARestartForgetsNoIdleOne() throws Exception {
        String busy = stack.function("busy");
        String idle = stack.function("forgotten");
        String labels = "{\"com.openfaas.scale.zero\": \"true\", \"com.openfaas.scale.zero-duration\": \"10s\"}";
        // busy: every call takes 25 s, longer than a gateway restart and the idle time together.
        assertEquals(202, status(gw.api("POST", "/system/functions", deployment(busy, "faas/watchdog", "sleep 25",
                "{\"exec_timeout\": \"60s\", \"write_timeout\": \"60s\"}", labels))));
        assertEquals(202, status(gw.api("POST", "/system/functions", deployment(idle, "faas/sleep", "", "{}", labels))));
        waitFor("both serve", Duration.ofSeconds(60), () -> gw.invoke(idle + "?seconds=0").contains("slept")
                && JSON.readTree(gw.api("GET", "/system/function/" + busy, null).body())
                        .path("availableReplicas").asInt() == 1);
        // A long call straight to the replica from the functions network, as another gateway would send it: this
        // gateway has no record of it, the watchdog does.
        String caller = stack.name + "-caller";
        Cli.run("docker", "run", "-d", "--rm", "--name", caller, "--network", stack.network, "--entrypoint", "wget",
                "faas/watchdog", "-q", "-O", "-", "http://" + busy + ":8080/");
        try {
            Cli.run("docker", "service", "update", "--quiet", "--force", stack.name + "_gateway");
            waitFor("the new gateway answers", Duration.ofSeconds(60),
                    () -> status(gw.call("GET", "/healthz", null, null)) == 200);
            waitFor("the idle function still goes to zero after the restart", Duration.ofSeconds(60),
                    () -> replicas(idle) == 0);
            assertEquals(1, replicas(busy), "the function with a call in flight stays up");
        } finally {
            Cli.quietly("docker", "wait", caller);
        }
        waitFor("once that call ended it goes to zero too", Duration.ofSeconds(60), () -> replicas(busy) == 0);
    }

    @Test
    @Order(6)
    void alertScalingWorksBesideZeroAndAResolvedAlertLeavesOneReplica() throws Exception {
        String fn = stack.function("alerted");
        assertEquals(202, status(gw.api("POST", "/system/functions", deployment(fn, "faas/catservice", "", "{}",
                "{\"com.openfaas.scale.min\": \"0\", \"com.openfaas.scale.max\": \"4\", "
                        + "\"com.openfaas.scale.factor\": \"50\", \"com.openfaas.scale.zero\": \"true\", "
                        + "\"com.openfaas.scale.zero-duration\": \"1h\"}"))));
        assertEquals(0, replicas(fn));
        assertEquals("hi", gw.call("POST", "/function/" + fn, "hi", null).body(), "from zero");
        assertEquals(200, status(gw.api("POST", "/system/alert", alert("firing", fn))));
        assertEquals(3, replicas(fn), "1 + ceil(4 * 50%)");
        assertEquals(200, status(gw.api("POST", "/system/alert", alert("resolved", fn))));
        assertEquals(1, replicas(fn), "min 0 is not 'disabled', and zero is the idle check's business");
        assertEquals(0, JSON.readTree(gw.api("POST", "/system/scale-function/" + fn, "{\"replicas\": 0}").body())
                .path("replicas").asInt());
        assertEquals("again", gw.call("POST", "/function/" + fn, "again", null).body());
    }

    private String gatewayLog() {
        return Cli.run("docker", "service", "logs", "--raw", stack.name + "_gateway");
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static String alert(String status, String function) {
        return """
                {"receiver": "scale-up", "status": "%s", "alerts": [{"status": "%s",
                 "labels": {"alertname": "APIHighInvocationRate", "function_name": "%s"}}]}"""
                .formatted(status, status, function);
    }
}
