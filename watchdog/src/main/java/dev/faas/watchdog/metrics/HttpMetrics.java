package dev.faas.watchdog.metrics;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * of-watchdog's metrics, in its names, labels and buckets: {@code http_requests_total{code,method}},
 * {@code http_request_duration_seconds{code,method}} (Prometheus' default buckets) and
 * {@code http_requests_in_flight}, for calls to the function (not the health probes), plus our own
 * {@code watchdog_idle_seconds}, which the gateway reads with the in-flight gauge before scaling a function to zero.
 * Hand-written: four series need no library (docs/watchdog.md has the measurement). Recording is a map lookup and a
 * few adds under the series' own monitor, uncontended unless two calls of one code and method end at the same
 * instant.
 */
public final class HttpMetrics {
    /** client_golang's DefBuckets, which of-watchdog uses. */
    private static final double[] BUCKETS = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};
    private static final String[] BUCKET_LABELS = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0",
            "2.5", "5.0", "10.0"};
    /** promhttp labels these lower case; any other method is "other", so a caller cannot mint series. */
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
            "CONNECT", "TRACE");

    private final Map<Key, Series> series = new ConcurrentHashMap<>();
    private final AtomicLong inFlight = new AtomicLong();
    /** Monotonic, so neither a wall-clock step on this node nor skew against the gateway's can fake idleness. */
    private final LongSupplier nanoClock;
    /** Every call passes here, so a lock-free write rather than a monitor they would all contend for. */
    private final AtomicLong lastEndedNanos;

    public HttpMetrics() {
        this(System::nanoTime);
    }

    /** @param nanoClock a {@link System#nanoTime()}-like clock; tests pass a fake one instead of sleeping */
    public HttpMetrics(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        // A replica that has never been called is idle from its start, or one never called would never scale down.
        this.lastEndedNanos = new AtomicLong(nanoClock.getAsLong());
    }

    private record Key(int code, String method) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            return code != o.code ? Integer.compare(code, o.code) : method.compareTo(o.method);
        }
    }

    private static final class Series {
        private long count;
        private double sum;
        /** Per bucket, cumulated when written. */
        private final long[] buckets = new long[BUCKETS.length];

        synchronized void record(double seconds) {
            count++;
            sum += seconds;
            for (int i = 0; i < BUCKETS.length; i++) {
                if (seconds <= BUCKETS[i]) {
                    buckets[i]++;
                    break;
                }
            }
        }

        synchronized Series copy() {
            Series c = new Series();
            c.count = count;
            c.sum = sum;
            System.arraycopy(buckets, 0, c.buckets, 0, buckets.length);
            return c;
        }
    }

    public void started() {
        inFlight.incrementAndGet();
    }

    /** @param code the status answered, 0 when none could be sent (not counted, as no code was served) */
    public void finished(String method, int code, long nanos) {
        // Before the decrement: a scrape that sees no call in flight then sees this end too, never an older one
        // that would report a replica just called as long idle. Also for code 0: the call ended either way. The
        // latest of two racing ends wins (compared by difference, as nanoTime's values may overflow), so a slow
        // writer cannot move the last end back and make the replica look idle for longer than it is.
        long now = nanoClock.getAsLong();
        lastEndedNanos.accumulateAndGet(now, (last, ended) -> ended - last > 0 ? ended : last);
        inFlight.decrementAndGet();
        if (code <= 0) {
            return;
        }
        String label = METHODS.contains(method) ? method.toLowerCase(Locale.ROOT) : "other";
        Key key = new Key(code, label);
        Series s = series.get(key);
        if (s == null) {
            s = series.computeIfAbsent(key, k -> new Series());
        }
        s.record(nanos / 1e9);
    }

    /** The Prometheus text exposition format (version 0.0.4). */
    public byte[] exposition() {
        Map<Key, Series> sorted = new TreeMap<>();
        series.forEach((k, s) -> sorted.put(k, s.copy()));
        // One read serves both gauges so a scrape never says "one in flight" and "idle" together. lastEnded is read
        // after it (see finished), and before now so that it is never later than now.
        long calls = inFlight.get();
        long lastEnded = lastEndedNanos.get();
        double idle = calls > 0 ? 0 : (nanoClock.getAsLong() - lastEnded) / 1e9;
        StringBuilder out = new StringBuilder(1024);
        out.append("# HELP http_request_duration_seconds Seconds spent serving HTTP requests.\n")
                .append("# TYPE http_request_duration_seconds histogram\n");
        sorted.forEach((k, s) -> {
            String labels = "code=\"" + k.code + "\",method=\"" + k.method + "\"";
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += s.buckets[i];
                out.append("http_request_duration_seconds_bucket{").append(labels).append(",le=\"")
                        .append(BUCKET_LABELS[i]).append("\"} ").append(cumulative).append('\n');
            }
            long count = s.count;
            out.append("http_request_duration_seconds_bucket{").append(labels).append(",le=\"+Inf\"} ")
                    .append(count).append('\n')
                    .append("http_request_duration_seconds_sum{").append(labels).append("} ").append(s.sum)
                    .append('\n')
                    .append("http_request_duration_seconds_count{").append(labels).append("} ").append(count)
                    .append('\n');
        });
        out.append("# HELP http_requests_in_flight total HTTP requests in-flight\n")
                .append("# TYPE http_requests_in_flight gauge\n")
                .append("http_requests_in_flight ").append(calls).append('\n')
                .append("# HELP watchdog_idle_seconds Seconds since the last function call ended (since the watchdog"
                        + " started when none has); 0 while one is in flight.\n")
                .append("# TYPE watchdog_idle_seconds gauge\n")
                // Not Double.toString, which switches to an exponent (1.0E7) that some parsers refuse.
                .append("watchdog_idle_seconds ").append(String.format(Locale.ROOT, "%.3f", idle)).append('\n')
                .append("# HELP http_requests_total total HTTP requests processed\n")
                .append("# TYPE http_requests_total counter\n");
        sorted.forEach((k, s) -> out.append("http_requests_total{code=\"").append(k.code).append("\",method=\"")
                .append(k.method).append("\"} ").append(s.count).append('\n'));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
