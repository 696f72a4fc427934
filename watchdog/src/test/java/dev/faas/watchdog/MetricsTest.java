package dev.faas.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** of-watchdog's metrics on metrics_port, scraped from a real watchdog after some calls. */
class MetricsTest {
    @TempDir
    Path dir;

    @Test
    void forkModeCountsEachCallByCodeAndMethodAndLeavesProbesOut() throws Exception {
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", "cat"), dir)) {
            assertEquals(200, w.post("one").statusCode());
            assertEquals(200, w.post("two").statusCode());
            assertEquals(200, w.send(HttpRequest.newBuilder(w.uri("/")).GET()).statusCode());
            assertEquals(405, w.send(HttpRequest.newBuilder(w.uri("/"))
                    .method("BREW", HttpRequest.BodyPublishers.noBody())).statusCode());
            assertEquals(200, w.send(HttpRequest.newBuilder(w.uri("/_/health")).GET()).statusCode());
            assertCounts(scrapeOnceCounted(w, "http_requests_total{code=\"405\",method=\"other\"} 1"));
        }
    }

    @Test
    void httpModeCountsEachProxiedCallByCodeAndMethod() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classes = Path.of("target", "test-classes").toAbsolutePath().toString();
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("mode", "http",
                "upstream_url", "http://127.0.0.1:" + port, "fprocess", java + " -XX:+UseSerialGC -cp " + classes
                        + " dev.faas.watchdog.TestUpstream " + port + " 0"), dir)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (w.send(HttpRequest.newBuilder(w.uri("/_/ready")).GET()).statusCode() != 200) {
                assertTrue(System.nanoTime() < deadline, "never ready: " + w.log());
                Thread.sleep(20);
            }
            assertEquals(200, w.post("one").statusCode());
            assertEquals(200, w.post("two").statusCode());
            assertEquals(200, w.send(HttpRequest.newBuilder(w.uri("/")).GET()).statusCode());
            // An unknown method is forwarded in http mode; the test function answers it, so make it a 400 instead.
            assertEquals(400, w.send(HttpRequest.newBuilder(w.uri("/")).header("X-Timeout", "soon")
                    .method("BREW", HttpRequest.BodyPublishers.noBody())).statusCode());
            String text = scrapeOnceCounted(w, "http_requests_total{code=\"400\",method=\"other\"} 1");
            assertTrue(text.contains("\nhttp_requests_total{code=\"400\",method=\"other\"} 1\n"), text);
            assertTrue(text.contains("\nhttp_requests_total{code=\"200\",method=\"post\"} 2\n"), text);
            assertTrue(text.contains("\nhttp_requests_total{code=\"200\",method=\"get\"} 1\n"), text);
            assertTrue(text.contains("\nhttp_requests_in_flight 0\n"), text);
        }
    }

    private static void assertCounts(String text) {
        assertTrue(text.contains("# TYPE http_requests_total counter\n"), text);
        assertTrue(text.contains("\nhttp_requests_total{code=\"200\",method=\"post\"} 2\n"), text);
        assertTrue(text.contains("\nhttp_requests_total{code=\"200\",method=\"get\"} 1\n"), text);
        assertTrue(text.contains("\nhttp_requests_total{code=\"405\",method=\"other\"} 1\n"), text);
        assertTrue(text.contains("# TYPE http_request_duration_seconds histogram\n"), text);
        assertTrue(text.contains("\nhttp_request_duration_seconds_bucket{code=\"200\",method=\"post\",le=\"+Inf\"} 2\n"),
                text);
        assertTrue(text.contains("\nhttp_request_duration_seconds_count{code=\"200\",method=\"post\"} 2\n"), text);
        assertTrue(text.contains("le=\"0.005\"") && text.contains("le=\"10.0\""), "of-watchdog's buckets: " + text);
        assertTrue(text.contains("\nhttp_requests_in_flight 0\n"), text);
        assertEquals(3, text.lines().filter(l -> l.startsWith("http_requests_total{")).count(),
                "the probe is not counted: " + text);
    }

    /**
     * A call is counted just after its answer went out, so a scrape right after the last answer may come first:
     * scrapes until the last call's line is there (and every earlier call was counted before it ended).
     */
    private static String scrapeOnceCounted(WatchdogProcess w, String lastCall) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String text = scrape(w);
        while (!text.contains(lastCall) || !text.contains("post\"} 2")) {
            assertTrue(System.nanoTime() < deadline, "the calls were never all counted: " + text);
            Thread.sleep(10);
            text = scrape(w);
        }
        return text;
    }

    private static String scrape(WatchdogProcess w) throws Exception {
        HttpResponse<String> r = w.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + w.metricsPort() + "/metrics")).GET());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        return r.body();
    }
}
