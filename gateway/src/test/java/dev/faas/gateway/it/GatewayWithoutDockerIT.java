package dev.faas.gateway.it;

import static dev.faas.gateway.it.GatewayClient.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** The gateway image on its own (docker run, no swarm service): what it does without Docker or credentials. */
class GatewayWithoutDockerIT {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String name = "nodockerit" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 35), 36);

    @Test
    void withoutDockerTheManagementApiAnswers503SayingWhatToCheck() throws Exception {
        Cli.requireImages(List.of("faas/gateway"));
        Cli.run("docker", "run", "-d", "--rm", "--name", name, "--label", "dev.faas.test=" + name,
                "-e", "DOCKER_HOST=tcp://127.0.0.1:1", "-e", "docker_timeout=2s", "-p", "127.0.0.1::8080",
                "faas/gateway");
        try {
            String mapped = Cli.run("docker", "port", name, "8080/tcp").lines().findFirst().orElseThrow();
            int port = Integer.parseInt(mapped.substring(mapped.lastIndexOf(':') + 1));
            HttpRequest list = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/system/functions"))
                    .timeout(Duration.ofSeconds(10)).build();
            waitFor("the Docker-less gateway answers", Duration.ofSeconds(30), () -> {
                HttpResponse<String> r = http.send(list, HttpResponse.BodyHandlers.ofString());
                assertEquals(503, r.statusCode(), r.body());
                assertTrue(r.body().contains("Docker engine cannot be reached"), r.body());
                return true;
            });
        } finally {
            Cli.quietly("docker", "rm", "-f", name);
        }
    }

    @Test
    void withBasicAuthButNoCredentialFilesTheGatewayRefusesToStartSayingWhatToCreate() {
        Cli.requireImages(List.of("faas/gateway"));
        String refused = Cli.quietly("docker", "run", "--rm", "--name", name + "-auth", "--label",
                "dev.faas.test=" + name, "-e", "basic_auth=true", "-e", "DOCKER_HOST=tcp://127.0.0.1:1",
                "faas/gateway");
        assertTrue(refused.contains("failed (2)"), "exits with status 2: " + refused);
        assertTrue(refused.contains("basic-auth-user") && refused.contains("docker secret create"),
                "says what to create: " + refused);
    }

    @Test
    void aBadSettingStopsTheGatewayWithOneLineNamingIt() {
        Cli.requireImages(List.of("faas/gateway"));
        for (String[] bad : new String[][] {{"upstream_timeout", "soon"}, {"resync_interval", "0"},
                {"static_functions", "no-equals-sign"}}) {
            String refused = Cli.quietly("docker", "run", "--rm", "--name", name + "-bad", "--label",
                    "dev.faas.test=" + name, "-e", "provider=static", "-e", bad[0] + "=" + bad[1], "faas/gateway");
            assertTrue(refused.contains("failed (2)"), "exits with status 2: " + refused);
            assertTrue(refused.contains("event=bad_config") && refused.contains(bad[0]), "names it: " + refused);
            assertTrue(!refused.contains("\tat "), "no stack trace: " + refused);
        }
    }
}
