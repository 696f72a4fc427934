package dev.faas.gateway.it;

import static dev.faas.gateway.it.GatewayClient.status;
import static dev.faas.gateway.it.GatewayClient.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Alert-driven scaling, secrets, and a rolling update under load, through the API against the real engine. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScalingSecretsRolloutIT extends SecuredGateway {

    @Override
    String prefix() {
        return "opsit";
    }

    @Test
    @Order(5)
    void alertsScaleUpByTheFactorOfMaxAndResolvedGoesBackToMin() throws Exception {
        String fn = stack.function("alert");
        assertEquals(202, status(gw.api("POST", "/system/functions", deployment(fn, "faas/catservice", "", "{}",
                "{\"com.openfaas.scale.min\": \"1\", \"com.openfaas.scale.max\": \"5\", "
                        + "\"com.openfaas.scale.factor\": \"40\"}"))));
        assertEquals(200, status(gw.api("POST", "/system/alert", alert("firing", fn))));
        assertEquals(3, replicas(fn), "1 + ceil(5 * 40%) = 3");
        assertEquals(200, status(gw.api("POST", "/system/alert", alert("firing", fn))));
        assertEquals(5, replicas(fn), "3 + 2 = 5, the max");
        assertEquals(200, status(gw.api("POST", "/system/alert", alert("firing", fn))));
        assertEquals(5, replicas(fn), "capped at max");
        HttpResponse<String> resolved = gw.api("POST", "/system/alert", alert("resolved", fn));
        assertEquals(200, resolved.statusCode(), resolved.body());
        assertTrue(resolved.body().contains("\"to\":1"), resolved.body());
        assertEquals(1, replicas(fn), "back to min");
        HttpResponse<String> gone = gw.api("POST", "/system/alert", alert("firing", stack.function("gone")));
        assertEquals(200, gone.statusCode(), "an alert for a removed function is reported, not retried");
        assertTrue(gone.body().contains("not found"), gone.body());
        assertEquals(200, status(gw.api("DELETE", "/system/functions", "{\"functionName\": \"" + fn + "\"}")));
    }

    @Test
    @Order(6)
    void secretsAreCreatedMountedNeverShownAndImmutable() throws Exception {
        String secret = stack.name + "-token";
        String value = "s3cret-" + stack.name;
        assertEquals(201, status(gw.api("POST", "/system/secrets", "{\"name\": \"" + secret + "\", \"value\": \""
                + value + "\"}")));
        assertEquals(409, status(gw.api("POST", "/system/secrets", "{\"name\": \"" + secret + "\", \"value\": \"x\"}")));
        HttpResponse<String> list = gw.api("GET", "/system/secrets", null);
        assertTrue(list.body().contains("\"" + secret + "\""), list.body());
        assertFalse(list.body().contains(value), "values never listed");
        assertFalse(list.body().contains("\"" + stack.name + "_basic-auth-password\""),
                "secrets the platform does not own are not listed: " + list.body());
        HttpResponse<String> put = gw.api("PUT", "/system/secrets", "{\"name\": \"" + secret + "\", \"value\": \"y\"}");
        assertEquals(405, put.statusCode());
        assertTrue(put.body().contains("new name"), put.body());

        // Made the OpenFaaS way (its docs and scripts label secrets com.openfaas.owner=openfaas): visible, mountable.
        String theirs = stack.name + "-theirs";
        Cli.run("sh", "-c", "printf other | docker secret create --label com.openfaas.owner=openfaas " + theirs + " -");
        assertTrue(gw.api("GET", "/system/secrets", null).body().contains("\"" + theirs + "\""));

        String fn = stack.function("secret");
        assertEquals(202, status(gw.api("POST", "/system/functions", "{\"service\": \"" + fn + "\", \"image\": "
                + "\"faas/watchdog\", \"envProcess\": \"cat /var/openfaas/secrets/" + secret + " /run/secrets/" + secret
                + " /var/openfaas/secrets/" + theirs + "\", \"secrets\": [\"" + secret + "\", \"" + theirs
                + "\"], \"readOnlyRootFilesystem\": true, \"labels\": {\"dev.faas.test\": \"" + stack.name + "\"}}")));
        waitFor("the function reads its secrets where OpenFaaS functions do, and at /run/secrets",
                Duration.ofSeconds(60), () -> gw.invoke(fn).equals(value + value + "other"));
        assertEquals(java.util.Set.of(secret, theirs), java.util.Set.copyOf(JSON.readerForListOf(String.class)
                .<List<String>>readValue(JSON.readTree(gw.api("GET", "/system/function/" + fn, null).body())
                        .path("secrets"))), "each secret named once");
        assertEquals(2, JSON.readTree(gw.api("GET", "/system/function/" + fn, null).body()).path("secrets").size());
        HttpResponse<String> inUse = gw.api("DELETE", "/system/secrets", "{\"name\": \"" + secret + "\"}");
        assertEquals(409, inUse.statusCode(), inUse.body());
        assertFalse(Cli.run("docker", "service", "logs", "--raw", stack.name + "_gateway").contains(value),
                "the gateway never logs a secret value");
        assertEquals(200, status(gw.api("DELETE", "/system/functions", "{\"functionName\": \"" + fn + "\"}")));
        // 200, not 204: OpenFaaS's clients (faas-cli secret remove) accept only 200 or 202.
        waitFor("the secret is free", Duration.ofSeconds(30),
                () -> status(gw.api("DELETE", "/system/secrets", "{\"name\": \"" + secret + "\"}")) == 200);
        assertEquals(200, status(gw.api("DELETE", "/system/secrets", "{\"name\": \"" + theirs + "\"}")));
        assertEquals(404, status(gw.api("DELETE", "/system/secrets", "{\"name\": \"" + secret + "\"}")));
        assertEquals(404, status(gw.api("DELETE", "/system/secrets", "{\"name\": \"" + stack.name
                + "_basic-auth-password\"}")), "secrets the platform does not own cannot be removed");
    }

    @Test
    @Order(7)
    void aRollingUpdateUnderASteadyStreamOfRequestsLosesNone() throws Exception {
        String fn = stack.function("roll");
        String labels = "{\"com.openfaas.scale.min\": \"2\"}";
        assertEquals(202, status(gw.api("POST", "/system/functions", deployment(fn, "faas/watchdog", "env",
                "{\"VERSION\": \"1\"}", labels))));
        waitFor("2 replicas serve", Duration.ofSeconds(60), () -> gw.invoke(fn).contains("VERSION=1")
                && JSON.readTree(gw.api("GET", "/system/function/" + fn, null).body()).path("availableReplicas").asInt() == 2);

        AtomicBoolean streaming = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger updatedAnswers = new AtomicInteger();
        Thread client = new Thread(() -> {
            while (streaming.get()) {
                try {
                    HttpResponse<String> r = gw.call("POST", "/function/" + fn, "", null);
                    if (r.statusCode() == 200) {
                        ok.incrementAndGet();
                        if (r.body().contains("VERSION=2")) {
                            updatedAnswers.incrementAndGet();
                        }
                    } else {
                        failed.incrementAndGet();
                    }
                } catch (IOException | InterruptedException e) {
                    failed.incrementAndGet();
                }
            }
        }, "steady-stream");
        client.start();
        try {
            SwarmStack.sleep(1000);
            assertEquals(200, status(gw.api("PUT", "/system/functions", deployment(fn, "faas/watchdog", "env",
                    "{\"VERSION\": \"2\"}", labels))));
            waitFor("the update completes", Duration.ofSeconds(90), () -> "completed".equals(
                    Cli.run("docker", "service", "inspect", "-f", "{{.UpdateStatus.State}}", fn)));
            SwarmStack.sleep(2000);
        } finally {
            streaming.set(false);
            client.join(15_000);
        }
        System.out.printf("rolling update under a steady stream: %d ok, %d failed, %d answered by the new version%n",
                ok.get(), failed.get(), updatedAnswers.get());
        assertTrue(updatedAnswers.get() > 0, "the new version served during the stream");
        assertTrue(ok.get() > 50, "the stream kept going: " + ok.get());
        assertEquals(0, failed.get(), "requests failed during the rolling update");
        assertEquals(200, status(gw.api("DELETE", "/system/functions", "{\"functionName\": \"" + fn + "\"}")));
    }

    private static String alert(String status, String function) {
        return """
                {"receiver": "scale-up", "status": "%s", "alerts": [{"status": "%s",
                 "labels": {"alertname": "APIHighInvocationRate", "function_name": "%s"}}]}"""
                .formatted(status, status, function);
    }
}
