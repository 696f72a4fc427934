package dev.faas.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * faas/nats, the store of queued calls (issue 12): Debian's NATS server with JetStream on a file store in its
 * volume. A stream and a message stored in it survive a restart of the container; its health check passes only
 * with JetStream up. Spoken to in NATS's own text protocol over a socket, so this needs no client library.
 */
class NatsImageIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aStoredMessageSurvivesARestartAndTheHealthCheckWaitsForJetStream() throws Exception {
        String name = "natsimageit-" + UUID.randomUUID().toString().substring(0, 8);
        String volume = name + "-data";
        try {
            Cli.docker("run", "-d", "--name", name, "--label", LocalImages.TEST_LABEL + "=NatsImageIT",
                    "-p", "127.0.0.1::4222", "-p", "127.0.0.1::8222", "-v", volume + ":/data", "faas/nats");
            awaitHealthy(name);
            assertEquals("{\"status\":\"ok\"}", http(name, "/healthz?js-enabled-only=true").trim());
            assertEquals("/data/jetstream", JSON.readTree(http(name, "/jsz")).path("config").path("store_dir").asText());

            JsonNode created = request(name, "$JS.API.STREAM.CREATE.CALLS",
                    "{\"name\":\"CALLS\",\"subjects\":[\"calls.>\"],\"storage\":\"file\"}");
            assertEquals("CALLS", created.path("config").path("name").asText(), created.toString());
            JsonNode ack = request(name, "calls.fn", "a stored call");
            assertEquals(1, ack.path("seq").asInt(), "JetStream acknowledged the message: " + ack);

            Cli.docker("restart", name);
            awaitHealthy(name);
            JsonNode info = request(name, "$JS.API.STREAM.INFO.CALLS", "");
            assertEquals(1, info.path("state").path("messages").asInt(), "still stored after a restart: " + info);
        } finally {
            Cli.run(ProjectFiles.root(), java.util.Map.of(), Duration.ofSeconds(30), "docker", "rm", "-f", "-v", name);
            Cli.run(ProjectFiles.root(), java.util.Map.of(), Duration.ofSeconds(30), "docker", "volume", "rm", volume);
        }
    }

    private static void awaitHealthy(String name) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            status = Cli.docker("inspect", "-f", "{{.State.Health.Status}}", name);
            if (status.equals("healthy")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " not healthy within 30 s (" + status + "): " + Cli.docker("logs", name));
    }

    private static int port(String name, int port) {
        String mapping = Cli.docker("port", name, port + "/tcp").split("\n")[0].trim();
        return Integer.parseInt(mapping.substring(mapping.lastIndexOf(':') + 1));
    }

    private static String http(String name, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port(name, 8222) + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.body();
    }

    /** One request-reply in NATS's text protocol: CONNECT, SUB to an inbox, PUB with that reply subject, read MSG. */
    private static JsonNode request(String name, String subject, String payload) throws IOException {
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket("127.0.0.1", port(name, 4222))) {
            s.setSoTimeout(5000);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            assertTrue(line(in).startsWith("INFO "), "a NATS server greets with INFO");
            out.write(("CONNECT {\"verbose\":false,\"pedantic\":false}\r\nSUB _INBOX.it 1\r\nPUB " + subject
                    + " _INBOX.it " + body.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.write("\r\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (true) {
                String l = line(in);
                if (l.startsWith("PING")) {
                    out.write("PONG\r\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } else if (l.startsWith("-ERR")) {
                    throw new AssertionError("the server refused: " + l);
                } else if (l.startsWith("MSG ")) {
                    int size = Integer.parseInt(l.substring(l.lastIndexOf(' ') + 1));
                    byte[] reply = in.readNBytes(size);
                    return JSON.readTree(reply);
                }
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }
}
