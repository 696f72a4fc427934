package dev.faas.gateway.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an earlier gateway's builds left half-done, cleaned up once at start: uploads and unpacked contexts in the
 * work directory (a gateway killed mid-build never removed them), and the stack's built images no tag names any
 * more. Only what is older than this gateway is touched, so a build that has just begun is safe.
 */
public final class StaleBuilds {
    private static final Logger LOG = LoggerFactory.getLogger(StaleBuilds.class);

    private StaleBuilds() {}

    public static void reap(ImageBuilder images, Path workRoot, Instant started) {
        int dirs = 0;
        try (Stream<Path> entries = Files.list(workRoot)) {
            for (Path entry : entries.toList()) {
                if (Files.getLastModifiedTime(entry).compareTo(FileTime.from(started)) < 0 && delete(entry)) {
                    dirs++;
                }
            }
        } catch (IOException e) {
            LOG.warn("event=stale_builds_failed what=work_dir dir=\"{}\" error=\"{}\"", workRoot, e.getMessage());
        }
        int removed = 0;
        try {
            removed = images.reapStale();
        } catch (BuildException e) {
            LOG.warn("event=stale_builds_failed what=images error=\"{}\" action=\"they stay until scripts/down.sh --purge\"",
                    e.getMessage());
        }
        if (dirs + removed > 0) {
            LOG.info("event=stale_builds_reaped work_entries={} images={}", dirs, removed);
        }
    }

    private static boolean delete(Path entry) {
        try (Stream<Path> tree = Files.walk(entry)) {
            List<Path> deepestFirst = tree.sorted(Comparator.reverseOrder()).toList();
            for (Path p : deepestFirst) {
                Files.deleteIfExists(p);
            }
            return true;
        } catch (IOException e) {
            LOG.warn("event=stale_builds_failed what=work_dir entry=\"{}\" error=\"{}\"", entry, e.getMessage());
            return false;
        }
    }
}
