package dev.faas.gateway.provider.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.faas.gateway.provider.LogSource;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.ManagementException.Reason;
import java.io.IOException;
import java.io.InputStream;

/** A function's logs from Docker's service logs API (every replica's stdout and stderr). */
public final class SwarmLogs implements LogSource {

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
        String name = FunctionStatuses.name(service);
        StringBuilder path = new StringBuilder("/services/").append(DockerRest.path(service.path("ID").asText()))
                .append("/logs?stdout=1&stderr=1&timestamps=1&details=1")
                .append("&follow=").append(q.follow() ? 1 : 0)
                .append("&tail=").append(q.tail() < 0 ? "all" : Integer.toString(q.tail()));
        if (q.since() != null) {
            path.append("&since=").append(q.since().getEpochSecond()).append('.')
                    .append(String.format("%09d", q.since().getNano()));
        }
        DockerHttpClient.Response response = docker.open(path.toString());
        if (response.getStatusCode() != 200) {
            int status = response.getStatusCode();
            response.close();
            if (status == 404) {
                throw new ManagementException(Reason.NOT_FOUND, "function " + q.name() + " not found");
            }
            throw new ManagementException(Reason.FAILED, "docker answered " + status + " to the logs request");
        }
        InputStream body = response.getBody();
        LogFrames frames = new LogFrames(body, name);
        return new Stream() {
            private volatile boolean closed;

            @Override
            public Line next() throws IOException {
                while (!closed) {
                    Line line;
                    try {
                        line = frames.next();
                    } catch (IOException e) {
                        if (closed) {
                            return null;
                        }
                        throw e;
                    }
                    if (line == null || q.instance().isEmpty() || line.instance().startsWith(q.instance())) {
                        return line;
                    }
                }
                return null;
            }

            @Override
            public void close() {
                closed = true;
                response.close();
            }
        };
    }
}
