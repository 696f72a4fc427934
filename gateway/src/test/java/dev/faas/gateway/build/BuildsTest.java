package dev.faas.gateway.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.gateway.provider.FunctionDeployment;
import dev.faas.gateway.provider.FunctionManager;
import dev.faas.gateway.provider.FunctionStatus;
import dev.faas.gateway.provider.ManagementException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build verb's rules, with an engine and an orchestrator that only remember what they were asked. */
class BuildsTest {
    @TempDir
    Path dir;
    private final Engine engine = new Engine();
    private final Orchestrator swarm = new Orchestrator();

    private Builds builds() {
        return new Builds(engine, swarm, new BuildContexts(Path.of("..", "templates").toAbsolutePath().normalize()),
                name -> null, new Builds.Settings(new Archives.Limits(1 << 20, 100), dir, "faas-fn",
                Duration.ofMillis(10), 1, "test_functions"));
    }

    private BuildRequest request(String name, String dockerfile, Map<String, String> env, boolean createOnly) throws Exception {
        Path zip = Files.createTempFile(dir, "ctx", ".zip");
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("Dockerfile"));
            z.write(dockerfile.getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        FunctionDeployment d = new FunctionDeployment(name, "built", "", env, Map.of(), Map.of(), null, null, null,
                null, false, "", "");
        return new BuildRequest(name, "", zip, d, Map.of(), true, createOnly);
    }

    @Test
    void aNewFunctionIsBuiltAndCreatedAndTheSameAgainRebuildsAndRollsNothing() throws Exception {
        BuildResult first = builds().run(request("Fn", "FROM faas/watchdog\n", Map.of(), false), BuildEvents.NONE);
        assertTrue(first.built());
        assertEquals("created", first.action());
        assertTrue(first.image().startsWith("faas-fn/fn:"), first.image());
        BuildResult again = builds().run(request("Fn", "FROM faas/watchdog\n", Map.of(), false), BuildEvents.NONE);
        assertFalse(again.built());
        assertEquals("unchanged", again.action());
        assertEquals(1, engine.builds.size());
        BuildResult env = builds().run(request("Fn", "FROM faas/watchdog\n", Map.of("A", "1"), false), BuildEvents.NONE);
        assertEquals("updated", env.action(), "a changed setting rolls, without a build");
        assertFalse(env.built());
        assertEquals(List.of(), Files.list(dir).filter(p -> p.getFileName().toString().startsWith("build-")).toList(),
                "no working directory is left");
    }

    @Test
    void aFailedBuildDeploysNothing() throws Exception {
        engine.fail = true;
        BuildException e = assertThrows(BuildException.class,
                () -> builds().run(request("f", "FROM faas/watchdog\nRUN false\n", Map.of(), false), BuildEvents.NONE));
        assertEquals(422, e.status());
        assertEquals(List.of(), swarm.calls);
    }

    @Test
    void aBaseImageTheEngineLacksOrADownloadIsRefusedBeforeAnyBuild() throws Exception {
        BuildException missing = assertThrows(BuildException.class,
                () -> builds().run(request("f", "FROM python:3.12\n", Map.of(), false), BuildEvents.NONE));
        assertEquals(400, missing.status());
        assertTrue(missing.getMessage().contains("never pull"), missing.getMessage());
        BuildException add = assertThrows(BuildException.class, () -> builds().run(request("f",
                "FROM faas/watchdog\nADD https://example.com/x /x\n", Map.of(), false), BuildEvents.NONE));
        assertEquals(400, add.status());
        assertEquals(List.of(), engine.builds);
    }

    @Test
    void createOnlyRefusesAnExistingFunction() throws Exception {
        builds().run(request("f", "FROM faas/watchdog\n", Map.of(), false), BuildEvents.NONE);
        BuildException e = assertThrows(BuildException.class,
                () -> builds().run(request("f", "FROM faas/watchdog\n", Map.of(), true), BuildEvents.NONE));
        assertEquals(409, e.status());
    }

    @Test
    void aSecondBuildOfTheSameFunctionWhileOneRunsIsA409() throws Exception {
        Builds builds = builds();
        engine.hold = new CountDownLatch(1);
        engine.started = new CountDownLatch(1);
        Thread first = new Thread(() -> {
            try {
                builds.run(request("f", "FROM faas/watchdog\n", Map.of(), false), BuildEvents.NONE);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        first.start();
        engine.started.await();
        assertTrue(builds.isRunning("F"));
        BuildException e = assertThrows(BuildException.class,
                () -> builds.run(request("F", "FROM faas/watchdog\nRUN x\n", Map.of(), false), BuildEvents.NONE));
        assertEquals(409, e.status());
        engine.hold.countDown();
        first.join();
        assertFalse(builds.isRunning("f"));
    }

    private static final class Engine implements ImageBuilder {
        final List<String> builds = new ArrayList<>();
        final Map<String, String> images = new HashMap<>(Map.of("faas/watchdog", "sha256:w"));
        boolean fail;
        CountDownLatch hold;
        CountDownLatch started;

        @Override
        public String imageId(String reference) {
            return images.getOrDefault(reference, "");
        }

        @Override
        public void build(Path contextTar, String tag, Map<String, String> buildArgs, Consumer<String> log)
                throws BuildException {
            if (started != null) {
                started.countDown();
            }
            try {
                if (hold != null) {
                    hold.await();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (fail) {
                throw new BuildException(422, "the build failed", "Step 2/2 : RUN false");
            }
            builds.add(tag);
            images.put(tag, "sha256:" + tag.hashCode());
        }

        @Override
        public String distribute(String tag, Consumer<String> log) {
            return tag;
        }

        @Override
        public int reapStale() {
            return 0;
        }
    }

    private static final class Orchestrator implements FunctionManager {
        final List<String> calls = new ArrayList<>();
        final Map<String, FunctionDeployment> deployed = new HashMap<>();

        @Override
        public List<FunctionStatus> list() {
            return List.of();
        }

        @Override
        public FunctionStatus get(String name) throws ManagementException {
            FunctionDeployment d = deployed.get(name);
            if (d == null) {
                throw new ManagementException(ManagementException.Reason.NOT_FOUND, "function " + name + " not found");
            }
            return new FunctionStatus(name, d.image(), d.envProcess(), d.envVars(), d.labels(), d.annotations(),
                    d.constraints(), d.secrets(), false, null, null, 1, 1, 0, "", "");
        }

        @Override
        public void deploy(FunctionDeployment d) {
            calls.add("deploy " + d.service());
            deployed.put(d.service(), d);
        }

        @Override
        public void update(FunctionDeployment d) {
            calls.add("update " + d.service());
            deployed.put(d.service(), d);
        }

        @Override
        public void delete(String name) {}

        @Override
        public void scale(String name, int replicas) {}
    }
}
