package dev.faas.watchdog.exec;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds a program the way a shell would: a name with a '/' as is, any other name in the PATH directories. */
public final class Programs {
    private Programs() {}

    /** The program's path, absolute when found on PATH, or null when there is no such executable. */
    public static String find(String name, String pathVariable) {
        if (name.indexOf('/') >= 0) {
            return isExecutable(Path.of(name)) ? name : null;
        }
        String path = pathVariable == null ? "/usr/local/bin:/usr/bin:/bin" : pathVariable;
        for (String dir : path.split(":", -1)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (isExecutable(candidate)) {
                return candidate.toAbsolutePath().toString();
            }
        }
        return null;
    }

    private static boolean isExecutable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }
}
