package dev.faas.watchdog.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HttpMetricsTest {
    /** Far from zero, as nanoTime's origin is arbitrary and may be negative. */
    private final AtomicLong now = new AtomicLong(-7_000_000_000L);
    private final HttpMetrics metrics = new HttpMetrics(now::get);

    private void advanceMillis(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private String idleLine() {
        return new String(metrics.exposition(), StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("watchdog_idle_seconds ")).reduce((a, b) -> a + "\n" + b).orElseThrow();
    }

    @Test
    void idleCountsFromStartBeforeAnyCall() {
        assertEquals("watchdog_idle_seconds 0.000", idleLine());
        advanceMillis(12_345);
        assertEquals("watchdog_idle_seconds 12.345", idleLine());
    }

    @Test
    void idleSecondsCountFromTheLastCallsEnd() {
        advanceMillis(60_000);
        metrics.started();
        advanceMillis(2_000);
        metrics.finished("POST", 200, TimeUnit.SECONDS.toNanos(2));
        advanceMillis(1_500);
        assertEquals("watchdog_idle_seconds 1.500", idleLine());
    }

    @Test
    void idleIsZeroWhileACallIsInFlight() {
        advanceMillis(30_000);
        metrics.started();
        advanceMillis(10_000);
        assertEquals("watchdog_idle_seconds 0.000", idleLine());
    }

    @Test
    void idleStaysZeroUntilTheLastOfOverlappingCallsEnds() {
        metrics.started();
        metrics.started();
        advanceMillis(1_000);
        metrics.finished("GET", 200, TimeUnit.SECONDS.toNanos(1));
        advanceMillis(5_000);
        assertEquals("watchdog_idle_seconds 0.000", idleLine(), "one call is still running");
        metrics.finished("GET", 200, TimeUnit.SECONDS.toNanos(6));
        advanceMillis(250);
        assertEquals("watchdog_idle_seconds 0.250", idleLine());
    }

    @Test
    void aCallThatCouldNotBeAnsweredStillEndsTheIdleTimeAlthoughItIsNotCounted() {
        advanceMillis(90_000);
        metrics.started();
        metrics.finished("POST", 0, 0);
        advanceMillis(10);
        String text = new String(metrics.exposition(), StandardCharsets.UTF_8);
        assertTrue(text.contains("\nwatchdog_idle_seconds 0.010\n"), text);
        assertTrue(text.lines().noneMatch(l -> l.startsWith("http_requests_total{")), text);
    }

    @Test
    void aLongIdleTimeIsAPlainDecimalWithoutAnExponent() {
        advanceMillis(TimeUnit.DAYS.toMillis(400) + 7);
        assertEquals("watchdog_idle_seconds 34560000.007", idleLine());
    }

    @Test
    void theIdleGaugeFollowsTheInFlightGaugeAndTheRestIsOfWatchdogsExposition() {
        metrics.started();
        advanceMillis(200);
        metrics.finished("POST", 200, TimeUnit.MILLISECONDS.toNanos(200));
        metrics.started();
        metrics.finished("BREW", 405, TimeUnit.MILLISECONDS.toNanos(3));
        metrics.started();
        advanceMillis(4_000);
        String text = new String(metrics.exposition(), StandardCharsets.UTF_8);
        assertEquals("""
                # HELP http_request_duration_seconds Seconds spent serving HTTP requests.
                # TYPE http_request_duration_seconds histogram
                http_request_duration_seconds_bucket{code="200",method="post",le="0.005"} 0
                http_request_duration_seconds_bucket{code="200",method="post",le="0.01"} 0
                http_request_duration_seconds_bucket{code="200",method="post",le="0.025"} 0
                http_request_duration_seconds_bucket{code="200",method="post",le="0.05"} 0
                http_request_duration_seconds_bucket{code="200",method="post",le="0.1"} 0
                http_request_duration_seconds_bucket{code="200",method="post",le="0.25"} 1
                http_request_duration_seconds_bucket{code="200",method="post",le="0.5"} 1
                http_request_duration_seconds_bucket{code="200",method="post",le="1.0"} 1
                http_request_duration_seconds_bucket{code="200",method="post",le="2.5"} 1
                http_request_duration_seconds_bucket{code="200",method="post",le="5.0"} 1
                http_request_duration_seconds_bucket{code="200",method="post",le="10.0"} 1
                http_request_duration_seconds_bucket{code="200",method="post",le="+Inf"} 1
                http_request_duration_seconds_sum{code="200",method="post"} 0.2
                http_request_duration_seconds_count{code="200",method="post"} 1
                http_request_duration_seconds_bucket{code="405",method="other",le="0.005"} 1
                http_request_duration_seconds_bucket{code="405",method="other",le="0.01"} 1
                http_request_duration_seconds_bucket{code="405",method="other",le="0.025"} 1
                http_request_duration_seconds_bucket{code="405",method="other",le="0.05"} 1
                http_request_duration_seconds_bucket{code="405",method="other",le="0.1"} 1
                http_request_duration_seconds_bucket{code="405",method="other",le="0.25"} 1
                http_request_duration_seconds_bucket{code="405",method="other",le="0.5"} 1
                http_request_duration_seconds_bucket{code="405",method="other",le="1.0"} 1
                http_request_duration_seconds_bucket{code="405",method="other",le="2.5"} 1
                http_request_duration_seconds_bucket{code="405",method="other",le="5.0"} 1
                http_request_duration_seconds_bucket{code="405",method="other",le="10.0"} 1
                http_request_duration_seconds_bucket{code="405",method="other",le="+Inf"} 1
                http_request_duration_seconds_sum{code="405",method="other"} 0.003
                http_request_duration_seconds_count{code="405",method="other"} 1
                # HELP http_requests_in_flight total HTTP requests in-flight
                # TYPE http_requests_in_flight gauge
                http_requests_in_flight 1
                # HELP watchdog_idle_seconds Seconds since the last function call ended (since the watchdog \
                started when none has); 0 while one is in flight.
                # TYPE watchdog_idle_seconds gauge
                watchdog_idle_seconds 0.000
                # HELP http_requests_total total HTTP requests processed
                # TYPE http_requests_total counter
                http_requests_total{code="200",method="post"} 1
                http_requests_total{code="405",method="other"} 1
                """, text);
    }
}
