package dev.faas.gateway.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.faas.gateway.replica.WatchdogActivity.Report;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WatchdogActivityTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** What our watchdog serves, trimmed: a histogram, both gauges, a counter. */
    private static final String OUR_WATCHDOG = """
            # HELP http_request_duration_seconds Seconds spent serving HTTP requests.
            # TYPE http_request_duration_seconds histogram
            http_request_duration_seconds_bucket{code="200",method="POST",le="0.005"} 3
            http_request_duration_seconds_bucket{code="200",method="POST",le="+Inf"} 4
            http_request_duration_seconds_sum{code="200",method="POST"} 0.0121
            http_request_duration_seconds_count{code="200",method="POST"} 4
            # HELP http_requests_in_flight total HTTP requests in-flight
            # TYPE http_requests_in_flight gauge
            http_requests_in_flight 2
            # HELP watchdog_idle_seconds Seconds since the last function call ended (since the watchdog started when none has); 0 while one is in flight.
            # TYPE watchdog_idle_seconds gauge
            watchdog_idle_seconds 37.250
            # HELP http_requests_total total HTTP requests processed
            # TYPE http_requests_total counter
            http_requests_total{code="200",method="POST"} 4
            """;

    /** OpenFaaS' of-watchdog: Go runtime metrics and the in-flight gauge, but no idle gauge. */
    private static final String OF_WATCHDOG = """
            # HELP go_goroutines Number of goroutines that currently exist.
            # TYPE go_goroutines gauge
            go_goroutines 9
            # HELP go_memstats_alloc_bytes Number of bytes allocated and still in use.
            # TYPE go_memstats_alloc_bytes gauge
            go_memstats_alloc_bytes 1.234568e+06
            # HELP http_requests_in_flight total HTTP requests in-flight
            # TYPE http_requests_in_flight gauge
            http_requests_in_flight 0
            # HELP http_requests_total total HTTP requests processed
            # TYPE http_requests_total counter
            http_requests_total{code="200",method="GET"} 12
            """;

    @Test
    void readsInFlightAndIdleSeconds() {
        assertEquals(Optional.of(new Report(2, Duration.ofMillis(37_250))), WatchdogActivity.parse(OUR_WATCHDOG));
    }

    @Test
    void ofWatchdogWithoutIdleGaugeStillReportsInFlight() {
        Report report = WatchdogActivity.parse(OF_WATCHDOG).orElseThrow();
        assertEquals(0, report.inFlight());
        assertNull(report.idle());
    }

    @Test
    void missingInFlightLineIsEmptyEvenWithAnIdleGauge() {
        assertEquals(Optional.empty(), WatchdogActivity.parse("""
                # HELP watchdog_idle_seconds Seconds since the last function call ended.
                # TYPE watchdog_idle_seconds gauge
                watchdog_idle_seconds 120.000
                """));
        assertEquals(Optional.empty(), WatchdogActivity.parse(""));
    }

    @Test
    void ignoresCommentsAndMetricsThatOnlyBeginWithTheSameName() {
        assertEquals(Optional.of(new Report(1, Duration.ofSeconds(3))), WatchdogActivity.parse("""
                # HELP http_requests_in_flight 9
                # http_requests_in_flight 9
                http_requests_in_flight_other 5
                http_requests_in_flightx 6
                xhttp_requests_in_flight 7
                watchdog_idle_seconds_total 8
                http_requests_in_flight 1
                watchdog_idle_seconds 3
                """));
        assertEquals(Optional.empty(), WatchdogActivity.parse("http_requests_in_flight_other 5\n"));
    }

    @Test
    void valuesMayBeIntegersDecimalsOrExponents() {
        assertEquals(Optional.of(new Report(3, Duration.ofSeconds(12))),
                WatchdogActivity.parse("http_requests_in_flight 3\nwatchdog_idle_seconds 12\n"));
        assertEquals(Optional.of(new Report(3, Duration.ofMillis(1500))),
                WatchdogActivity.parse("http_requests_in_flight 3.0\nwatchdog_idle_seconds 1.5\n"));
        assertEquals(Optional.of(new Report(1_000_000, Duration.ofSeconds(1500))),
                WatchdogActivity.parse("http_requests_in_flight 1e+06\nwatchdog_idle_seconds 1.5E3\n"));
        assertEquals(Optional.of(new Report(0, Duration.ofMillis(2))),
                WatchdogActivity.parse("http_requests_in_flight 0\nwatchdog_idle_seconds 2e-3\n"));
    }

    @Test
    void readsLabelledSamplesTimestampsAndWindowsLineEnds() {
        assertEquals(Optional.of(new Report(4, Duration.ofMillis(250))), WatchdogActivity.parse(
                "http_requests_in_flight{handler=\"a}b\\\"c\"} 4 1700000000000\r\n"
                        + "watchdog_idle_seconds{} 0.25\r\n"));
    }

    @Test
    void severalSeriesErrTowardsBusy() {
        assertEquals(Optional.of(new Report(3, Duration.ofSeconds(2))), WatchdogActivity.parse("""
                http_requests_in_flight{path="/a"} 1
                http_requests_in_flight{path="/b"} 2
                watchdog_idle_seconds{path="/a"} 90
                watchdog_idle_seconds{path="/b"} 2
                """));
    }

    @Test
    void unusableInFlightIsMissingAndUnusableIdleIsUnreported() {
        for (String inFlight : new String[] {"NaN", "+Inf", "1.5", "-1", "lots", "1e999999999"}) {
            assertEquals(Optional.empty(), WatchdogActivity.parse("http_requests_in_flight " + inFlight + "\n"),
                    inFlight);
        }
        for (String idle : new String[] {"NaN", "+Inf", "-1", "soon", "1e999999999", "1e-999999999x"}) {
            assertNull(WatchdogActivity.parse("http_requests_in_flight 0\nwatchdog_idle_seconds " + idle + "\n")
                    .orElseThrow().idle(), idle);
        }
        assertEquals(Duration.ZERO, WatchdogActivity.parse(
                "http_requests_in_flight 0\nwatchdog_idle_seconds 1e-999999999\n").orElseThrow().idle());
    }

    @Test
    void readsTheMetricsPortOfTheReplicasHost() throws Exception {
        try (FakeWatchdog watchdog = new FakeWatchdog()) {
            watchdog.serveMetrics(200, OUR_WATCHDOG);
            WatchdogActivity activity = new WatchdogActivity(watchdog.port(), TIMEOUT);

            // The replica's own port (8080) is not the one asked: only its host is.
            assertEquals(Optional.of(new Report(2, Duration.ofMillis(37_250))),
                    activity.read(URI.create("http://127.0.0.1:8080/")));
        }
    }

    @Test
    void unreachableReplicaIsEmpty() throws Exception {
        WatchdogActivity activity = new WatchdogActivity(FakeWatchdog.refusedPort(), TIMEOUT);
        assertEquals(Optional.empty(), activity.read(URI.create("http://127.0.0.1:8080/")));
    }

    @Test
    void notOkIsEmpty() throws Exception {
        try (FakeWatchdog watchdog = new FakeWatchdog()) {
            watchdog.serveMetrics(503, OUR_WATCHDOG);
            WatchdogActivity activity = new WatchdogActivity(watchdog.port(), TIMEOUT);
            assertEquals(Optional.empty(), activity.read(watchdog.address()));
        }
    }

    @Test
    void metricsWithoutInFlightAreEmpty() throws Exception {
        try (FakeWatchdog watchdog = new FakeWatchdog()) {
            watchdog.serveMetrics(200, "# not a watchdog\nsomething_else 1\n");
            WatchdogActivity activity = new WatchdogActivity(watchdog.port(), TIMEOUT);
            assertEquals(Optional.empty(), activity.read(watchdog.address()));
        }
    }

    @Test
    void keepsIpv6HostsBracketed() {
        assertEquals(URI.create("http://[fd00::7]:8081/metrics"),
                WatchdogActivity.metricsOf(URI.create("http://[fd00::7]:8080/"), 8081));
        assertEquals(URI.create("http://10.231.1.7:8081/metrics"),
                WatchdogActivity.metricsOf(URI.create("http://10.231.1.7:8080/"), 8081));
    }
}
