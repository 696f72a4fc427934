package dev.faas.gateway.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleBuildsTest {
    @TempDir
    Path work;

    @Test
    void whatIsOlderThanTheGatewayGoesAndWhatIsNewerStays() throws Exception {
        Instant started = Instant.now();
        Path old = Files.createDirectories(work.resolve("build-1/function"));
        Files.writeString(old.resolve("handler.py"), "x");
        Files.setLastModifiedTime(work.resolve("build-1"), FileTime.from(started.minusSeconds(60)));
        Path upload = Files.writeString(work.resolve("upload-2.zip"), "zip");
        Files.setLastModifiedTime(upload, FileTime.from(started.minusSeconds(5)));
        Path fresh = Files.createDirectories(work.resolve("build-3"));
        Files.setLastModifiedTime(fresh, FileTime.from(started.plusSeconds(1)));
        AtomicInteger asked = new AtomicInteger();

        StaleBuilds.reap(new Images(asked, null), work, started);

        assertFalse(Files.exists(work.resolve("build-1")), "a killed build's context");
        assertFalse(Files.exists(upload), "a killed build's upload");
        assertTrue(Files.exists(fresh), "a build begun after the start");
        assertEquals(1, asked.get(), "the engine's stale images were reaped once");
    }

    @Test
    void anEngineThatCannotBeAskedLeavesTheWorkDirectoryCleanedAllTheSame() throws Exception {
        Instant started = Instant.now();
        Path old = Files.createDirectories(work.resolve("build-1"));
        Files.setLastModifiedTime(old, FileTime.from(started.minusSeconds(60)));

        StaleBuilds.reap(new Images(new AtomicInteger(), new BuildException(503, "docker is down", "")), work, started);

        assertFalse(Files.exists(old));
    }

    private record Images(AtomicInteger asked, BuildException failure) implements ImageBuilder {
        @Override
        public String imageId(String reference) {
            return "";
        }

        @Override
        public void build(Path contextTar, String tag, Map<String, String> buildArgs, Consumer<String> log) {}

        @Override
        public String distribute(String tag, Consumer<String> log) {
            return tag;
        }

        @Override
        public int reapStale() throws BuildException {
            asked.incrementAndGet();
            if (failure != null) {
                throw failure;
            }
            return 2;
        }
    }
}
