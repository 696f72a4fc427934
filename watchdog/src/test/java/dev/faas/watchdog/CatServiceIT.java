package dev.faas.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/** The images scripts/build-images.sh makes, run by Docker: never pulled, labelled, removed afterwards. */
class CatServiceIT {
    private static final String LABEL = "dev.faas.test";
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void imagesAreBuilt() {
        DockerClient docker = DockerClientFactory.instance().client();
        for (String image : new String[] {"faas/catservice", "faas/watchdog"}) {
            try {
                docker.inspectImageCmd(image).exec();
            } catch (NotFoundException e) {
                fail("image " + image + " is missing: run scripts/build-images.sh (after mvn -DskipTests package)");
            }
        }
    }

    @Test
    void catServiceAnswersAPostWithItsBodyAndTurnsHealthy() throws Exception {
        try (GenericContainer<?> cat = container("faas/catservice")) {
            cat.start();
            assertEquals("healthy", cat.getCurrentContainerInfo().getState().getHealth().getStatus());
            HttpResponse<String> r = post(cat, "hello from the container");
            assertEquals(200, r.statusCode());
            assertEquals("hello from the container", r.body());
            assertTrue(r.headers().firstValue("X-Duration-Seconds").isPresent());
        }
    }

    /** Without the lock file the health check asks /_/health itself. */
    @Test
    void withSuppressLockTheContainerStillTurnsHealthy() throws Exception {
        try (GenericContainer<?> cat = container("faas/catservice").withEnv("suppress_lock", "true")) {
            cat.start();
            assertEquals("healthy", cat.getCurrentContainerInfo().getState().getHealth().getStatus());
            assertEquals(1, cat.execInContainer("test", "-e", "/tmp/.lock").getExitCode(), "no lock file");
            assertEquals("ok", post(cat, "ok").body());
        }
    }

    @Test
    void backgroundProcessesAreKilledAndReapedAndStopExitsZero() throws Exception {
        try (GenericContainer<?> w = container("faas/watchdog")
                .withEnv("fprocess", "/home/app/orphan.sh")
                .withCopyToContainer(Transferable.of("#!/bin/sh\nsleep 30 &\necho done\n", 0755), "/home/app/orphan.sh")) {
            w.start();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = post(w, "x");
                assertEquals(200, r.statusCode());
                assertEquals("done\n", r.body());
            }
            String ps = awaitCleanProcessTable(w);
            assertFalse(ps.contains("sleep"), "no background process left:\n" + ps);
            assertFalse(hasZombie(ps), "no zombie left:\n" + ps);
            DockerClient docker = DockerClientFactory.instance().client();
            docker.stopContainerCmd(w.getContainerId()).withTimeout(10).exec();
            assertEquals(0L, docker.inspectContainerCmd(w.getContainerId()).exec().getState().getExitCodeLong(),
                    w.getLogs());
            assertTrue(w.getLogs().contains("msg=stopped drained=true"), w.getLogs());
        }
    }

    private static GenericContainer<?> container(String image) {
        String name = "catserviceit-" + UUID.randomUUID().toString().substring(0, 8);
        return new GenericContainer<>(DockerImageName.parse(image))
                .withImagePullPolicy(imageName -> false)
                .withCreateContainerCmdModifier(cmd -> cmd.withName(name))
                .withLabel(LABEL, "CatServiceIT")
                .withExposedPorts(8080)
                .waitingFor(Wait.forHealthcheck().withStartupTimeout(Duration.ofSeconds(30)));
    }

    /** The shell at PID 1 reaps killed orphans moments after they die. */
    private static String awaitCleanProcessTable(GenericContainer<?> c) throws Exception {
        long deadline = System.nanoTime() + 3_000_000_000L;
        String ps = c.execInContainer("ps", "-o", "pid,stat,args").getStdout();
        while ((ps.contains("sleep") || hasZombie(ps)) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            ps = c.execInContainer("ps", "-o", "pid,stat,args").getStdout();
        }
        return ps;
    }

    /** A line of `ps -o pid,stat,args` whose STAT column starts with Z. */
    private static boolean hasZombie(String ps) {
        return ps.lines().map(line -> line.trim().split("\\s+")).anyMatch(cols -> cols.length > 1 && cols[1].startsWith("Z"));
    }

    private HttpResponse<String> post(GenericContainer<?> c, String body) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + c.getMappedPort(8080) + "/");
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
