package dev.faas.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** The files of this repository that the tests check, found from the root failsafe passes in {@code faas.root}. */
final class ProjectFiles {

    private ProjectFiles() {
    }

    static Path root() {
        String root = System.getProperty("faas.root");
        Path path = Path.of(root == null ? ".." : root).toAbsolutePath().normalize();
        if (!Files.isRegularFile(path.resolve("prometheus/prometheus.yml"))) {
            throw new IllegalStateException("no prometheus/prometheus.yml under " + path
                    + ": run the tests through Maven from the repository (mvn verify), which sets -Dfaas.root");
        }
        return path;
    }

    /** A file of the repository, by its path from the root; fails when it is missing. */
    static Path file(String relative) {
        Path path = root().resolve(relative);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(relative + " is missing from " + root());
        }
        return path;
    }
}
