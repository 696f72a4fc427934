package dev.faas.gateway.provider.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The connection to the Docker engine: docker-java for typed calls and events, the raw HTTP client for what
 * docker-java does not model (task network attachments). {@code DOCKER_HOST} is respected (default: the unix socket);
 * the API version is left to the daemon. Every call here has a deadline, since the unix socket transport ignores
 * its own timeouts.
 */
public final class DockerApi implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DockerHttpClient http;
    private final DockerHttpClient streams;
    private final DockerClient client;
    private final Duration timeout;
    private final ExecutorService calls = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "docker-call");
        t.setDaemon(true);
        return t;
    });

    public DockerApi(Duration timeout) {
        DockerClientConfig cfg = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        this.http = connection(cfg, timeout).responseTimeout(timeout).build();
        // The typed client carries the event stream, which is quiet for minutes: a response timeout (enforced over
        // tcp://) would end it every few seconds. Its other calls get their deadline from call(). Image pulls share
        // its connection for the same reason: their progress can pause longer than a response timeout.
        this.streams = connection(cfg, timeout).build();
        this.client = DockerClientImpl.getInstance(cfg, streams);
        this.timeout = timeout;
    }

    private static ApacheDockerHttpClient.Builder connection(DockerClientConfig cfg, Duration timeout) {
        return new ApacheDockerHttpClient.Builder()
                .dockerHost(cfg.getDockerHost())
                .sslConfig(cfg.getSSLConfig())
                .maxConnections(20)
                .connectionTimeout(timeout);
    }

    /** The typed client, for calls that need no deadline of their own (event streams) or wrap it in {@link #call}. */
    public DockerClient client() {
        return client;
    }

    /** The raw HTTP client, for management calls docker-java would model lossily (see {@link DockerRest}). */
    DockerHttpClient http() {
        return http;
    }

    /**
     * The raw HTTP client without a response timeout, for answers that stream for longer than one (image pulls):
     * their deadline is the caller's, through {@link #call(java.util.concurrent.Callable, Duration)}.
     */
    DockerHttpClient streams() {
        return streams;
    }

    /** Runs a Docker call with the configured deadline. */
    public <T> T call(java.util.concurrent.Callable<T> work) throws IOException {
        return call(work, timeout);
    }

    /**
     * Runs a Docker call with a deadline of its own (an image pull's is not {@code docker_timeout}); past it the
     * call's thread is interrupted and {@link DeadlinePassed} is thrown.
     */
    <T> T call(java.util.concurrent.Callable<T> work, Duration deadline) throws IOException {
        Future<T> f = calls.submit(work);
        try {
            return f.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new DeadlinePassed(deadline);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(describe(cause), cause);
        }
    }

    /** GET {@code path} with a JSON {@code filters} query, answered as a JSON tree. */
    public JsonNode get(String path, String filtersJson) throws IOException {
        String uri = path + "?filters=" + URLEncoder.encode(filtersJson, StandardCharsets.UTF_8);
        return call(() -> {
            DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                    .method(DockerHttpClient.Request.Method.GET).path(uri).build();
            try (DockerHttpClient.Response response = http.execute(request);
                 InputStream body = response.getBody()) {
                if (response.getStatusCode() == 404) {
                    // /tasks?filters={"service":[...]} of a service removed meanwhile: nothing to list.
                    return JSON.createArrayNode();
                }
                if (response.getStatusCode() != 200) {
                    throw new IOException("GET " + path + " answered " + response.getStatusCode());
                }
                return JSON.readTree(body);
            }
        });
    }

    /** A call that did not finish within its deadline: the engine (or what it waited on) was too slow, not gone. */
    static final class DeadlinePassed extends IOException {
        DeadlinePassed(Duration deadline) {
            super("docker did not answer within " + deadline.toMillis() + " ms");
        }
    }

    /** A short reason for a failed call, for logs and /healthz (no stack trace). */
    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        // A passed deadline reads as it always did (/healthz, logs): the type is for callers, not for people.
        String type = root instanceof DeadlinePassed ? "IOException" : root.getClass().getSimpleName();
        return type + (message == null ? "" : ": " + message);
    }

    @Override
    public void close() {
        calls.shutdownNow();
        try {
            client.close();
            http.close();
        } catch (IOException e) {
            // Closing a socket on the way out: nothing left to do.
        }
    }
}
