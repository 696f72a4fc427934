package dev.faas.gateway.provider.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.faas.gateway.provider.LogSource;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.ManagementException.Reason;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * A function's logs from Docker's service logs API (every replica's stdout and stderr).
 * <p>
 * Following never holds a Docker stream open: the HTTP client can only close a response by reading it to its end,
 * which a followed stream never reaches, and every held stream would take a connection from the pool discovery
 * shares. So follow reads what is there, then asks again every {@link #POLL_MS} ms for the lines since
 * {@link #OVERLAP} before the newest one it sent, and skips those it sent already: replicas' lines do not reach
 * Docker's log files in timestamp order, so a line stamped just before the newest one may only show up a poll later.
 */
public final class SwarmLogs implements LogSource {
    static final long POLL_MS = 1000;
    static final Duration OVERLAP = Duration.ofSeconds(2);

    interface Services {
        JsonNode service(String name) throws ManagementException;
    }

    private final DockerRest docker;
    private final Services services;

    SwarmLogs(DockerRest docker, Services services) {
        this.docker = docker;
        this.services = services;
    }

    @Override
    public Stream open(Query q) throws ManagementException {
        JsonNode service = services.service(q.name());
        String id = service.path("ID").asText();
        String name = FunctionStatuses.name(service);
        Instant started = Instant.now();
        DockerHttpClient.Response first = request(id, q.name(), q.tail(), q.since());
        Thread reader = Thread.currentThread();
        return new Stream() {
            private volatile boolean closed;
            private DockerHttpClient.Response response = first;
            private LogFrames frames = new LogFrames(first.getBody(), name);
            /** A poll's lines from before this are not part of the answer (the first read's tail lines are). */
            private final Instant floor = q.since() == null ? started : q.since();
            private Instant newest = floor;
            /** Lines sent within OVERLAP of the newest, by instance, timestamp and text, with their timestamps. */
            private final Map<String, Instant> sent = new HashMap<>();
            private boolean sentSincePoll;

            @Override
            public Line next() throws IOException {
                while (!closed) {
                    Line line = frames == null ? null : frames.next();
                    if (line != null) {
                        if (isNew(line) && (q.instance().isEmpty() || line.instance().startsWith(q.instance()))) {
                            sentSincePoll = true;
                            return line;
                        }
                        continue;
                    }
                    if (frames != null) {
                        response.close();
                        frames = null;
                        if (response != first && !sentSincePoll) {
                            return IDLE;
                        }
                    }
                    if (!q.follow() || !pause()) {
                        return null;
                    }
                    Instant horizon = newest.minus(OVERLAP);
                    sent.values().removeIf(t -> t.isBefore(horizon)); // no poll returns those again
                    try {
                        response = request(id, q.name(), -1, horizon);
                    } catch (ManagementException e) {
                        throw new IOException(e.getMessage());
                    }
                    frames = new LogFrames(response.getBody(), name);
                    sentSincePoll = false;
                }
                return null;
            }

            /** Remembers what was sent; false for a line sent already, or older than a poll looks back. */
            private boolean isNew(Line line) {
                Instant at;
                try {
                    at = Instant.parse(line.timestamp());
                } catch (DateTimeParseException e) {
                    return true;
                }
                if (response != first && (at.isBefore(floor) || at.isBefore(newest.minus(OVERLAP)))) {
                    return false;
                }
                if (at.isAfter(newest)) {
                    newest = at;
                }
                // Only a followed stream polls again, and a poll looks back OVERLAP: only those lines need keeping.
                if (q.follow() && !at.isBefore(newest.minus(OVERLAP))
                        && sent.putIfAbsent(line.instance() + ' ' + line.timestamp() + ' ' + line.text(), at) != null) {
                    return false;
                }
                return true;
            }

            private boolean pause() {
                for (long waited = 0; waited < POLL_MS && !closed; waited += 100) {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
                return !closed;
            }

            /**
             * From any thread: ends the stream. Only the reading thread releases the Docker response (releasing reads
             * it to its end, which must not happen on an IO thread that closes the stream for a departed caller).
             */
            @Override
            public void close() {
                closed = true;
                if (Thread.currentThread() == reader) {
                    response.close();
                }
            }
        };
    }

    private DockerHttpClient.Response request(String id, String name, int tail, Instant since)
            throws ManagementException {
        StringBuilder path = new StringBuilder("/services/").append(DockerRest.path(id))
                .append("/logs?stdout=1&stderr=1&timestamps=1&details=1&follow=0")
                .append("&tail=").append(tail < 0 ? "all" : Integer.toString(tail));
        if (since != null) {
            path.append("&since=").append(since.getEpochSecond()).append('.')
                    .append(String.format("%09d", since.getNano()));
        }
        DockerHttpClient.Response response = docker.open(path.toString());
        int status = response.getStatusCode();
        if (status != 200) {
            response.close();
            if (status == 404) {
                throw new ManagementException(Reason.NOT_FOUND, "function " + name + " not found");
            }
            throw new ManagementException(Reason.FAILED, "docker answered " + status + " to the logs request");
        }
        return response;
    }
}
