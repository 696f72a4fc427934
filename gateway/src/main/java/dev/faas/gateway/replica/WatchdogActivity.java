package dev.faas.gateway.replica;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks one replica's watchdog whether it is busy, from its {@code /metrics}, before the gateway scales the function
 * to zero. Asking every replica, rather than trusting the gateway's own record of calls, means neither a restarted
 * gateway nor calls routed through another gateway are missed.
 */
public final class WatchdogActivity {
    private static final Logger LOG = LoggerFactory.getLogger(WatchdogActivity.class);
    private static final String IN_FLIGHT = "http_requests_in_flight";
    private static final String IDLE = "watchdog_idle_seconds";

    /**
     * What one replica reports.
     *
     * @param inFlight calls the function is serving now
     * @param idle     time since its last call ended (zero while one is in flight), or null when the watchdog does
     *                 not report {@code watchdog_idle_seconds} (OpenFaaS' of-watchdog does not)
     */
    public record Report(long inFlight, Duration idle) {}

    private final int metricsPort;
    private final Duration timeout;
    private final HttpClient client;

    /**
     * @param metricsPort the watchdog's metrics port on every replica (8081)
     * @param timeout     how long to wait for a replica to connect, and then to answer
     */
    public WatchdogActivity(int metricsPort, Duration timeout) {
        if (metricsPort < 1 || metricsPort > 65535) {
            throw new IllegalArgumentException("metricsPort must be 1-65535: " + metricsPort);
        }
        if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        this.metricsPort = metricsPort;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Reads {@code GET http://<host of replicaAddress>:<metricsPort>/metrics}. Blocks for up to about twice the
     * timeout (connecting, then answering), so it is meant for a background thread.
     *
     * @return empty when the replica is unreachable, does not answer 200, or reports no in-flight gauge
     */
    public Optional<Report> read(URI replicaAddress) {
        URI metrics = metricsOf(replicaAddress, metricsPort);
        HttpRequest request = HttpRequest.newBuilder(metrics).timeout(timeout).GET().build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // Expected whenever a replica is stopping or has just gone: the caller decides what an unknown means.
            LOG.debug("event=replica_metrics_unreachable address={} reason=\"{}\"", metrics, reason(e));
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            LOG.debug("event=replica_metrics_refused address={} status={}", metrics, response.statusCode());
            return Optional.empty();
        }
        Optional<Report> report = parse(response.body());
        if (report.isEmpty()) {
            LOG.debug("event=replica_metrics_without_in_flight address={}", metrics);
        }
        return report;
    }

    /** The JDK client's connect failures often carry no message, so the exception's name says what happened. */
    private static String reason(IOException e) {
        String name = e.getClass().getSimpleName();
        return e.getMessage() == null ? name : name + ": " + e.getMessage();
    }

    /** The metrics endpoint on a replica's host; an IPv6 host stays bracketed, as {@link URI#getHost()} gives it. */
    static URI metricsOf(URI replicaAddress, int metricsPort) {
        String host = Objects.requireNonNull(replicaAddress, "replicaAddress").getHost();
        if (host == null) {
            throw new IllegalArgumentException("a replica address needs a host: " + replicaAddress);
        }
        try {
            return new URI("http", null, host, metricsPort, "/metrics", null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a usable replica host: " + replicaAddress, e);
        }
    }

    /**
     * Finds {@code http_requests_in_flight} and {@code watchdog_idle_seconds} in Prometheus' text exposition format.
     * A sample counts when its line starts with the metric's name followed by a space or {@code '{'}, so comments and
     * metrics whose names merely begin the same way are ignored. Values may be integers, decimals or in exponent
     * form, optionally followed by a timestamp.
     *
     * <p>Several in-flight series (one per label set) are added up and the shortest idle time is kept: both err
     * towards "busy", as wrongly scaling a busy function to zero costs more than keeping an idle one a little longer.
     * An in-flight value that is not a whole, non-negative number counts as missing; an unusable idle value as not
     * reported.
     *
     * @return empty when there is no usable in-flight sample
     */
    static Optional<Report> parse(String exposition) {
        Long inFlight = null;
        Duration idle = null;
        for (String line : exposition.split("\n")) {
            String inFlightValue = valueOf(line, IN_FLIGHT);
            if (inFlightValue != null) {
                Long calls = wholeCount(inFlightValue);
                if (calls != null) {
                    inFlight = inFlight == null ? calls : inFlight + calls;
                }
                continue;
            }
            String idleValue = valueOf(line, IDLE);
            if (idleValue != null) {
                Duration d = duration(idleValue);
                if (d != null && (idle == null || d.compareTo(idle) < 0)) {
                    idle = d;
                }
            }
        }
        return inFlight == null ? Optional.empty() : Optional.of(new Report(inFlight, idle));
    }

    /** The value text of a sample of {@code metric} on this line, or null when the line is no such sample. */
    private static String valueOf(String line, String metric) {
        if (!line.startsWith(metric) || line.length() == metric.length()) {
            return null;
        }
        int at = metric.length();
        char next = line.charAt(at);
        if (next == '{') {
            at = endOfLabels(line, at);
            if (at < 0) {
                return null;
            }
        } else if (next != ' ' && next != '\t') {
            return null;
        }
        String[] valueAndTimestamp = line.substring(at).strip().split("[ \t]+");
        return valueAndTimestamp[0].isEmpty() ? null : valueAndTimestamp[0];
    }

    /** Just past the '}' closing the labels that open at {@code from}; quoted values may hold '}' and escapes. */
    private static int endOfLabels(String line, int from) {
        boolean quoted = false;
        for (int i = from + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '}' && !quoted) {
                return i + 1;
            }
        }
        return -1;
    }

    private static Long wholeCount(String value) {
        try {
            // Exact, so 1.5 calls is refused rather than rounded; longValueExact rejects huge exponents cheaply.
            long n = new BigDecimal(value).longValueExact();
            return n < 0 ? null : n;
        } catch (NumberFormatException | ArithmeticException notAWholeCount) {
            return null; // NaN, +Inf, a fraction, or beyond a long
        }
    }

    private static Duration duration(String seconds) {
        double s;
        try {
            s = Double.parseDouble(seconds);
        } catch (NumberFormatException notANumber) {
            return null; // Prometheus' +Inf and -Inf among others
        }
        if (!Double.isFinite(s) || s < 0 || s >= Long.MAX_VALUE) {
            return null;
        }
        // A double, not a BigDecimal: an exponent such as 1e-999999999 must not cost a billion-digit division.
        long whole = (long) Math.floor(s);
        return Duration.ofSeconds(whole, Math.round((s - whole) * 1e9));
    }
}
