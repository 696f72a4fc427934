package dev.faas.watchdog.exec;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Starts fork mode's processes. {@link PosixSpawner} where the C library has what it needs (glibc 2.34+), else
 * {@link JdkSpawner}; the setting {@code spawn} (posix, jdk) picks one. Either way the child gets the watchdog's own
 * environment plus {@code env}, the request body on stdin, stdout to a pipe, and stderr inherited or on stdout.
 */
public interface Spawner {
    /**
     * @param argv the program, resolved to a path, and its arguments
     * @param env  entries added to (or replacing those of) the watchdog's own environment
     * @throws IOException              the program could not be started
     * @throws IllegalArgumentException an entry or argument holds a NUL, or a name an '='
     */
    Process start(List<String> argv, Map<String, String> env, boolean combineOutput) throws IOException;

    /** "posix" or "jdk", for the start-up log line. */
    String name();
}
