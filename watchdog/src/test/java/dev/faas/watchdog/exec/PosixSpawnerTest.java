package dev.faas.watchdog.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Real processes through glibc's posix_spawn: what a function sees of its start, and how its end is reported. */
class PosixSpawnerTest {
    private final PosixSpawner spawner = PosixSpawner.load();

    private static String run(Process p, byte[] stdin) throws IOException {
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
        }
        try (InputStream out = p.getInputStream()) {
            return new String(out.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void stdinReachesTheProcessAndItsStdoutComesBack() throws Exception {
        byte[] body = "x".repeat(200_000).getBytes(StandardCharsets.US_ASCII); // more than a pipe holds
        Process p = spawner.start(List.of("/bin/cat"), Map.of(), true);
        Thread feeder = new Thread(() -> {
            try (OutputStream in = p.getOutputStream()) {
                in.write(body);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        feeder.start();
        byte[] out;
        try (InputStream stdout = p.getInputStream()) {
            out = stdout.readAllBytes();
        }
        feeder.join();
        assertEquals(body.length, out.length);
        assertEquals(0, p.waitFor());
        assertFalse(p.isAlive());
        assertEquals(0, p.exitValue());
    }

    @Test
    void theChildHasOnlyItsThreeStandardDescriptors() throws Exception {
        try (ServerSocket open = new ServerSocket(0)) { // a descriptor of the JVM's without close-on-exec
            Process p = spawner.start(List.of("/bin/sh", "-c", "ls /proc/self/fd"), Map.of(), true);
            String fds = run(p, new byte[0]);
            // 0 1 2, and the directory ls itself reads
            assertEquals(List.of("0", "1", "2", "3"), List.of(fds.trim().split("\\s+")), fds);
            assertEquals(0, p.waitFor());
        }
    }

    @Test
    void environmentIsTheWatchdogsPlusTheRequestsWithHeaderBytesUnchanged() throws Exception {
        // a header's UTF-8 bytes arrive as ISO-8859-1 characters from the HTTP server
        String header = new String("caf\u00e9".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        Process p = spawner.start(List.of("/bin/sh", "-c", "printf '%s|%s|%s' \"$Http_X_Name\" \"$PATH\" \"$HOME\""),
                Map.of("Http_X_Name", header, "HOME", "/request/home"), true);
        String out = new String(run(p, new byte[0]).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        assertEquals("caf\u00e9|" + System.getenv("PATH") + "|/request/home", out);
    }

    @Test
    void exitStatusAndDeathBySignalAreReportedAsTheJdkDoes() throws Exception {
        Process exits = spawner.start(List.of("/bin/sh", "-c", "exit 3"), Map.of(), true);
        assertEquals(3, exits.waitFor());
        Process sleeps = spawner.start(List.of("/bin/sleep", "30"), Map.of(), true);
        assertTrue(sleeps.isAlive());
        assertThrows(IllegalThreadStateException.class, sleeps::exitValue);
        sleeps.destroyForcibly();
        assertEquals(128 + 9, sleeps.waitFor());
        sleeps.destroyForcibly(); // reaped: no signal goes to whatever has the pid now
        assertTrue(sleeps.onExit().isDone());
    }

    @Test
    void signalsAreUnblockedAndAtTheirDefaultsInTheChild() throws Exception {
        Process p = spawner.start(List.of("/bin/sh", "-c", "grep -E '^Sig(Blk|Ign)' /proc/self/status"), Map.of(), true);
        String status = run(p, new byte[0]);
        assertTrue(status.contains("SigBlk:\t0000000000000000"), status);
        // signals 1-31 (32 and 33 are glibc's own, which no program can set)
        java.util.regex.Matcher ignored = java.util.regex.Pattern.compile("SigIgn:\t(\\p{XDigit}+)").matcher(status);
        assertTrue(ignored.find(), status);
        assertEquals(0, Long.parseLong(ignored.group(1), 16) & 0x7fffffffL, status);
    }

    @Test
    void aProgramThatCannotRunIsAnIoErrorSayingWhy() {
        IOException e = assertThrows(IOException.class,
                () -> spawner.start(List.of("/nonexistent/program"), Map.of(), true));
        assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> spawner.start(List.of("/bin/true"), Map.of("A\u0000", "x"), true));
    }

    @Test
    void stderrGoesToStdoutWhenCombined() throws Exception {
        Process p = spawner.start(List.of("/bin/sh", "-c", "echo out; echo err >&2"), Map.of(), true);
        assertEquals("out\nerr\n", run(p, new byte[0]));
    }
}
