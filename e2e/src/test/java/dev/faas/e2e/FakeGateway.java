package dev.faas.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stand-in for the gateway, run inside a test container (faas/jre:17) from its compiled class:
 * {@code java -cp /fake dev.faas.e2e.FakeGateway catservice:200=10 sleep:504=1}. It speaks only what Prometheus and
 * AlertManager use: {@code GET /metrics} with the gateway's metric names, whose counters grow at the given calls per
 * second per function and status code, and {@code POST /system/alert}, which it records. The test drives it through
 * {@code GET /fake/alerts} (the recorded calls, JSON) and {@code POST /fake/rate?series=catservice:200&rate=0}.
 * Only java.base and jdk.httpserver, and no nested classes: the test copies this one class file.
 */
public final class FakeGateway {

    /** Histogram buckets, in seconds; half of the calls of a series take 5 ms, half take 0.5 s (200) or 3 s (else). */
    private static final double[] BUCKETS = {0.005, 0.05, 0.5, 5};

    private final Map<String, Double> rates = new TreeMap<>();   // "function:code" -> calls per second
    private final Map<String, Double> counts = new TreeMap<>();  // "function:code" -> calls so far
    private final List<String> alerts = new ArrayList<>();       // recorded POST /system/alert, as JSON objects
    private long lastNanos = System.nanoTime();

    public static void main(String[] args) throws IOException {
        FakeGateway fake = new FakeGateway();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            fake.setRate(arg.substring(0, eq), Double.parseDouble(arg.substring(eq + 1)));
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(8080), 64);
        server.createContext("/metrics", ex -> reply(ex, 200, fake.metrics()));
        server.createContext("/system/alert", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            fake.record(ex.getRequestHeaders().getFirst("Authorization"), body);
            reply(ex, 200, "");
        });
        server.createContext("/fake/alerts", ex -> reply(ex, 200, fake.alertsJson()));
        server.createContext("/fake/rate", ex -> {
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            fake.setRate(q.get("series"), Double.parseDouble(q.get("rate")));
            reply(ex, 200, "");
        });
        server.start();
        System.out.println("fake gateway listening on 8080, rates " + fake.rates);
    }

    synchronized void setRate(String series, double perSecond) {
        advance();
        rates.put(series, perSecond);
        counts.putIfAbsent(series, 0.0);
    }

    synchronized void record(String authorization, String body) {
        alerts.add("{\"authorization\":\"" + (authorization == null ? "" : authorization) + "\",\"body\":" + body + "}");
    }

    synchronized String alertsJson() {
        return "[" + String.join(",", alerts) + "]";
    }

    synchronized String metrics() {
        advance();
        StringBuilder out = new StringBuilder();
        out.append("# TYPE gateway_function_invocation_total counter\n");
        counts.forEach((series, n) -> out.append("gateway_function_invocation_total").append(labels(series, null))
                .append(' ').append(number(n)).append('\n'));
        out.append("# TYPE gateway_functions_seconds histogram\n");
        counts.forEach((series, n) -> {
            double slow = series.endsWith(":200") ? 0.5 : 3;
            for (double le : BUCKETS) {
                double below = (le >= 0.005 ? n / 2 : 0) + (le >= slow ? n / 2 : 0);
                out.append("gateway_functions_seconds_bucket").append(labels(series, number(le)))
                        .append(' ').append(number(below)).append('\n');
            }
            out.append("gateway_functions_seconds_bucket").append(labels(series, "+Inf")).append(' ')
                    .append(number(n)).append('\n');
            out.append("gateway_functions_seconds_sum").append(labels(series, null)).append(' ')
                    .append(number(n / 2 * (0.005 + slow))).append('\n');
            out.append("gateway_functions_seconds_count").append(labels(series, null)).append(' ')
                    .append(number(n)).append('\n');
        });
        out.append("# TYPE gateway_service_count gauge\n");
        counts.keySet().stream().map(s -> s.substring(0, s.indexOf(':'))).distinct().forEach(f ->
                out.append("gateway_service_count{function_name=\"").append(f).append("\"} 1\n"));
        return out.toString();
    }

    private void advance() {
        long now = System.nanoTime();
        double seconds = (now - lastNanos) / 1e9;
        lastNanos = now;
        rates.forEach((series, rate) -> counts.merge(series, rate * seconds, Double::sum));
    }

    private static String labels(String series, String le) {
        int colon = series.indexOf(':');
        return "{function_name=\"" + series.substring(0, colon) + "\",code=\"" + series.substring(colon + 1) + "\""
                + (le == null ? "" : ",le=\"" + le + "\"") + "}";
    }

    private static String number(double d) {
        return String.format(Locale.ROOT, "%.6f", d);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new TreeMap<>();
        for (String pair : (raw == null ? "" : raw).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                q.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return q;
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
