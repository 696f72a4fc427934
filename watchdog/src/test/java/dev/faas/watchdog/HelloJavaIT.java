package dev.faas.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/** sample-functions/hello-java, a warm Java function from templates/java-http, as scripts/build-images.sh built it. */
class HelloJavaIT {
    private static final String IMAGE = "faas/hello-java";
    private static final Pattern GREETING = Pattern.compile("Hello, Ada \\(call (\\d+) of process (\\d+)\\)\n");
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void imageIsBuilt() {
        DockerClient docker = DockerClientFactory.instance().client();
        try {
            docker.inspectImageCmd(IMAGE).exec();
        } catch (NotFoundException e) {
            fail("image " + IMAGE + " is missing: run scripts/build-images.sh (after mvn -DskipTests package)");
        }
    }

    @Test
    void oneWarmProcessAnswersEveryCallAndTheContainerTurnsHealthy() throws Exception {
        try (GenericContainer<?> fn = container()) {
            fn.start();
            assertEquals("healthy", fn.getCurrentContainerInfo().getState().getHealth().getStatus());
            Matcher first = greeting(get(fn, "/?name=Ada"));
            Matcher second = greeting(get(fn, "/?name=Ada"));
            assertEquals(Long.parseLong(first.group(1)) + 1, Long.parseLong(second.group(1)), "calls are counted");
            assertEquals(first.group(2), second.group(2), "by the same process");
            HttpResponse<String> posted = http.send(request(fn, "/").POST(HttpRequest.BodyPublishers.ofString("Bob"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(posted.body().startsWith("Hello, Bob (call "), posted.body());
            assertEquals("hello-java", posted.headers().firstValue("X-Function").orElse(null));
        }
    }

    @Test
    void aFailingHandlerIsA500WithOneLineAndTheProcessServesOn() throws Exception {
        try (GenericContainer<?> fn = container()) {
            fn.start();
            HttpResponse<String> failed = get(fn, "/fail");
            assertEquals(500, failed.statusCode());
            assertEquals("the function failed: java.lang.IllegalStateException: asked to fail\n", failed.body());
            greeting(get(fn, "/?name=Ada"));
            DockerClient docker = DockerClientFactory.instance().client();
            docker.stopContainerCmd(fn.getContainerId()).withTimeout(15).exec();
            assertEquals(0L, docker.inspectContainerCmd(fn.getContainerId()).exec().getState().getExitCodeLong(),
                    fn.getLogs());
            assertTrue(fn.getLogs().contains("msg=stopped drained=true mode=http"), fn.getLogs());
        }
    }

    private static GenericContainer<?> container() {
        String name = "hellojavait-" + UUID.randomUUID().toString().substring(0, 8);
        return new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withImagePullPolicy(imageName -> false)
                .withCreateContainerCmdModifier(cmd -> cmd.withName(name))
                .withLabel("dev.faas.test", "HelloJavaIT")
                .withExposedPorts(8080)
                .waitingFor(Wait.forHealthcheck().withStartupTimeout(Duration.ofSeconds(60)));
    }

    private static Matcher greeting(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        Matcher m = GREETING.matcher(r.body());
        assertTrue(m.matches(), r.body());
        return m;
    }

    private HttpResponse<String> get(GenericContainer<?> c, String path) throws Exception {
        return http.send(request(c, path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(GenericContainer<?> c, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.getMappedPort(8080) + path))
                .timeout(Duration.ofSeconds(10));
    }
}
