package dev.faas.watchdog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes small shell scripts for the watchdog to run. */
final class Scripts {
    private Scripts() {}

    static String write(Path dir, String name, String body) throws IOException {
        Path script = dir.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script.toString();
    }

    /**
     * A line of shell that blocks until {@code file} exists: a function that waits on it ends when the test says so,
     * never on a timer, so an ordering ("answered while the function still ran") holds however slow the machine.
     */
    static String blockUntil(Path file) {
        return "while [ ! -e " + file + " ]; do sleep 0.01; done";
    }

    /** Lets functions blocked on {@code file} ({@link #blockUntil}) go on. */
    static void release(Path file) throws IOException {
        Files.createFile(file);
    }

    /**
     * Waits until a script has created {@code file}, i.e. the request is being served. The 30 s only guard against a
     * hang: a passing run waits as long as the machine needs.
     */
    static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the function never started: " + file + " is missing");
            }
            Thread.sleep(10);
        }
    }
}
