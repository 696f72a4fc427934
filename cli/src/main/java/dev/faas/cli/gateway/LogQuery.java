package dev.faas.cli.gateway;

import dev.faas.cli.CliFailure;
import dev.faas.common.Durations;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** A request for a function's logs: GET /system/logs?name=&follow=&since=&tail= (OpenFaaS's parameters). */
public record LogQuery(String name, boolean follow, Instant since, Integer tail) {

    public String pathAndQuery() {
        StringBuilder q = new StringBuilder("/system/logs?name=").append(URLEncoder.encode(name, StandardCharsets.UTF_8));
        q.append("&follow=").append(follow);
        if (since != null) {
            q.append("&since=").append(URLEncoder.encode(since.toString(), StandardCharsets.UTF_8));
        }
        if (tail != null) {
            q.append("&tail=").append(tail);
        }
        return q.toString();
    }

    /**
     * --since as a duration back from now ({@code 10m}, {@code 1h30m}, Go's grammar as faas-cli takes it) or a time
     * (RFC 3339, {@code 2024-01-31T12:00:00Z}); null when not given.
     */
    public static Instant since(String text, Clock clock) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text.strip()).toInstant();
        } catch (DateTimeParseException notATime) {
            try {
                return clock.instant().minus(Durations.parse(text));
            } catch (IllegalArgumentException notADuration) {
                throw CliFailure.usage("--since " + text + ": give a duration back from now (30s, 10m, 2h) or a "
                        + "time (2024-01-31T12:00:00Z)");
            }
        }
    }
}
