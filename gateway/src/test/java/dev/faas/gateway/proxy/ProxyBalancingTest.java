package dev.faas.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The proxy against real upstream servers on 127.0.0.1 (no Docker: replicas come from the static provider). */
class ProxyBalancingTest {
    private final LoopbackGateway gateway = new LoopbackGateway();

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void requestsAreSpreadOverEveryReplica() throws Exception {
        gateway.start("f=" + gateway.upstream("a", 200, 0) + "," + gateway.upstream("b", 200, 0) + ","
                + gateway.upstream("c", 200, 0));
        Map<String, Integer> served = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            served.merge(gateway.call("f").body(), 1, Integer::sum);
        }
        assertEquals(3, served.size(), "every replica served: " + served);
        served.values().forEach(n -> assertTrue(n >= 5, "round robin, roughly even: " + served));
    }

    @Test
    void aFunctionIsAlsoCalledByItsNameInTheGatewaysNamespace() throws Exception {
        gateway.start("f=" + gateway.upstream("a", 200, 0));
        assertEquals("a", gateway.call("f.openfaas-fn").body());
        assertEquals(404, gateway.call("f.other").statusCode());
    }

    @Test
    void aRefusedConnectionIsRetriedOnAnotherReplica() throws Exception {
        gateway.start("f=" + LoopbackGateway.refusingAddress() + "," + gateway.upstream("alive", 200, 0));
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = gateway.call("f");
            assertEquals(200, r.statusCode());
            assertEquals("alive", r.body());
        }
    }

    /**
     * A refused connection proves the function never saw the request, so another replica may take it. A connection
     * that breaks once the request went out may have run the function already, and running it twice (a payment, a
     * mail sent) is worse than a 502.
     */
    @Test
    void aRequestThatMayHaveReachedTheFunctionIsNeverSentAgain() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        gateway.start("f=" + gateway.hangingUp(requests) + "," + gateway.hangingUp(requests));
        // No body: Undertow would retry such a request, were retries on (one with an unread body it cannot).
        HttpRequest empty = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/function/f"))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.noBody()).build();
        assertEquals(502, gateway.http().send(empty, HttpResponse.BodyHandlers.ofString()).statusCode());
        // Time for a retry, were there one, to reach the other replica.
        Thread.sleep(200);
        assertEquals(1, requests.get(), "requests the replicas read");
    }

    @Test
    void aReplicaThatDoesNotAcceptConnectionsIsSkippedAfterTheConnectTimeout() throws Exception {
        gateway.start("f=" + gateway.silentAddress() + "," + gateway.upstream("alive", 200, 0),
                Map.of("upstream_connect_timeout", "300ms", "upstream_timeout", "10s"));
        long started = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = gateway.call("f");
            assertEquals(200, r.statusCode());
            assertEquals("alive", r.body());
        }
        long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
        // One call waits out the connect timeout and is retried; the replica is then skipped.
        assertTrue(ms < 1500, "10 calls took " + ms + " ms");
    }

    @Test
    void aFunctionWhoseOnlyReplicaDoesNotAcceptConnectionsIs502AtTheConnectTimeout() throws Exception {
        gateway.start("f=" + gateway.silentAddress(),
                Map.of("upstream_connect_timeout", "300ms", "upstream_timeout", "10s"));
        long started = System.nanoTime();
        HttpResponse<String> r = gateway.call("f");
        long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertEquals(502, r.statusCode());
        assertTrue(ms >= 250 && ms < 2000, "answered after " + ms + " ms");
    }

    @Test
    void aFunctionThatCannotBeReachedIs502() throws Exception {
        gateway.start("f=" + LoopbackGateway.refusingAddress());
        HttpResponse<String> r = gateway.call("f");
        assertEquals(502, r.statusCode());
        assertEquals("could not reach function \"f\"\n", r.body());
    }

    @Test
    void aSlowFunctionIs504AtUpstreamTimeout() throws Exception {
        gateway.start("f=" + gateway.upstream("slow", 200, 3000));
        long started = System.nanoTime();
        HttpResponse<String> r = gateway.call("f");
        long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertEquals(504, r.statusCode());
        assertTrue(ms >= 450 && ms < 2000, "answered after " + ms + " ms");
    }

    /**
     * The timed-out call stays open upstream until the function ends; when it ends, Undertow closes the caller's
     * connection of that call. Kept alive, that connection would by then carry the caller's next calls, and one of
     * them would get no answer at all: so a 504 closes its connection.
     */
    @Test
    void callsAfterA504OnTheSameConnectionAreAnsweredWhenTheSlowFunctionFinallyEnds() throws Exception {
        gateway.start("slow=" + gateway.upstream("slow", 200, 1000) + ";fast=" + gateway.upstream("fast", 200, 0));
        assertEquals(504, gateway.call("slow").statusCode());
        long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        int calls = 0;
        while (System.nanoTime() < until) {
            assertEquals(200, gateway.call("fast").statusCode(), "call " + calls);
            calls++;
        }
    }

    @Test
    void callsBeyondTheConnectionsAndTheQueueAre503BusyNot502() throws Exception {
        gateway.start("f=" + gateway.upstream("slow", 200, 700),
                Map.of("io_threads", "1", "upstream_connections", "1", "upstream_queue", "1"));
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            calls.add(gateway.http().sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/function/f"))
                            .POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        Map<Integer, Integer> statuses = new HashMap<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> r = call.get(10, TimeUnit.SECONDS);
            statuses.merge(r.statusCode(), 1, Integer::sum);
            if (r.statusCode() == 503) {
                assertTrue(r.body().contains("is busy"), r.body());
            }
        }
        assertTrue(statuses.getOrDefault(200, 0) >= 2 && statuses.getOrDefault(503, 0) >= 1
                && statuses.keySet().stream().allMatch(c -> c == 200 || c == 503), statuses.toString());
    }

    @Test
    void aFunctionsOwnErrorPassesThroughUnchanged() throws Exception {
        gateway.start("f=" + gateway.upstream("busy", 503, 0));
        HttpResponse<String> r = gateway.call("f");
        assertEquals(503, r.statusCode());
        assertEquals("busy", r.body());
    }

    @Test
    void responseHeadersComeBackWithoutHopByHopOnes() throws Exception {
        gateway.start("f=" + gateway.upstream("h", 200, 0));
        HttpResponse<String> r = gateway.call("f");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("h", r.headers().firstValue("X-Upstream").orElse(""));
        assertFalse(r.headers().firstValue("Proxy-Authenticate").isPresent());
        assertTrue(r.headers().firstValue("X-Call-Id").isPresent());
    }

    /** OpenFaaS clients read X-Call-Id and X-Start-Time from the answer: the same values the function was sent. */
    @Test
    void theAnswerCarriesTheCallIdAndStartTimeTheFunctionWasSent() throws Exception {
        try (RecordingUpstream function = new RecordingUpstream()) {
            gateway.start("f=" + function.address());
            long before = System.currentTimeMillis() * 1_000_000L;
            HttpResponse<String> r = gateway.call("f");
            RecordingUpstream.Seen sent = function.next();
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(sent.header("X-Call-Id"), r.headers().firstValue("X-Call-Id").orElse("(none)"));
            assertEquals(sent.header("X-Start-Time"), r.headers().firstValue("X-Start-Time").orElse("(none)"));
            long start = Long.parseLong(r.headers().firstValue("X-Start-Time").orElseThrow());
            assertTrue(start >= before - 1_000_000L && start <= System.currentTimeMillis() * 1_000_000L,
                    "X-Start-Time is the call's start in Unix nanoseconds: " + start);
        }
    }

    /** Functions that answer as they go (progress, logs, events) must reach the caller as they go, not at their end. */
    @Test
    void theFunctionsAnswerIsStreamedNotHeldUntilItEnds() throws Exception {
        // upstream_timeout bounds the whole call, the answer's streaming included.
        gateway.start("f=" + gateway.twoLinesASecondApart(), Map.of("upstream_timeout", "5s"));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/function/f"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build();
        long sent = System.nanoTime();
        HttpResponse<InputStream> r = gateway.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.US_ASCII))) {
            assertEquals("first", lines.readLine());
            long ms = Duration.ofNanos(System.nanoTime() - sent).toMillis();
            assertTrue(ms < 700, "the first line came after " + ms + " ms");
            assertEquals("second", lines.readLine());
        }
    }
}
