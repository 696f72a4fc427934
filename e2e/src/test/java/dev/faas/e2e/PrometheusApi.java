package dev.faas.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A client of Prometheus's HTTP query API (/api/v1/query), for a Prometheus published on 127.0.0.1. */
final class PrometheusApi {

    /** One series of an instant query: its labels and its value (NaN and infinities included, as Prometheus says). */
    record Sample(Map<String, String> labels, double value) {
        String label(String name) {
            return labels.getOrDefault(name, "");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    PrometheusApi(URI base) {
        this.base = base;
    }

    static PrometheusApi onLoopback(int port) {
        return new PrometheusApi(URI.create("http://127.0.0.1:" + port));
    }

    /**
     * Evaluates an instant query now. A query Prometheus rejects (parse or evaluation error) throws with
     * Prometheus's own message; a vector or scalar answer comes back as samples (a scalar has no labels).
     */
    List<Sample> query(String promql) {
        URI uri = base.resolve("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonNode answer;
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("Prometheus at " + base + " did not answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while querying Prometheus");
        }
        if (!"success".equals(answer.path("status").asText())) {
            throw new IllegalArgumentException("Prometheus rejected `" + promql + "`: "
                    + answer.path("errorType").asText() + ": " + answer.path("error").asText());
        }
        JsonNode data = answer.path("data");
        return switch (data.path("resultType").asText()) {
            case "vector" -> samples(data.path("result"));
            case "scalar" -> List.of(new Sample(Map.of(), number(data.path("result").path(1))));
            default -> throw new IllegalArgumentException("`" + promql + "` gave a "
                    + data.path("resultType").asText() + ", not an instant vector or scalar");
        };
    }

    /** Repeats a query until its samples satisfy {@code done}; fails with the last answer after {@code timeout}. */
    List<Sample> await(String promql, Predicate<List<Sample>> done, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        List<Sample> last = List.of();
        String lastError = "";
        while (Instant.now().isBefore(deadline)) {
            try {
                last = query(promql);
                if (done.test(last)) {
                    return last;
                }
            } catch (IllegalStateException e) {
                lastError = " (last error: " + e.getMessage() + ")";   // Prometheus still starting
            }
            sleep(Duration.ofMillis(500));
        }
        throw new AssertionError("after " + timeout.toSeconds() + "s `" + promql + "` still gives " + last + lastError);
    }

    private static List<Sample> samples(JsonNode result) {
        List<Sample> samples = new ArrayList<>();
        for (JsonNode series : result) {
            Map<String, String> labels = new LinkedHashMap<>();
            series.path("metric").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            samples.add(new Sample(Map.copyOf(labels), number(series.path("value").path(1))));
        }
        return List.copyOf(samples);
    }

    /** Prometheus sends values as strings: "1.5", "NaN", "+Inf", "-Inf". */
    private static double number(JsonNode value) {
        return switch (value.asText()) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(value.asText());
        };
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Prometheus");
        }
    }
}
