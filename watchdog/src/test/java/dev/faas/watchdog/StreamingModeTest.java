package dev.faas.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mode=streaming: a process per request, its output passed on as it comes, failures never reported as success. */
class StreamingModeTest {
    private static final long HUNDRED_MB = 100L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void hundredMegabytesStreamThroughCatWithBoundedMemory() throws Exception {
        Map<String, String> env = Map.of("mode", "streaming", "fprocess", "cat", "max_body_size", "0",
                "read_timeout", "120s", "write_timeout", "120s");
        // A 64 MB heap cannot hold the body even once: it must stream.
        try (WatchdogProcess w = WatchdogProcess.start(env, dir, List.of("-Xmx64m"))) {
            CRC32 sent = new CRC32();
            DuplexClient.Result r = DuplexClient.post(w.port(), HUNDRED_MB, new Pattern(HUNDRED_MB, sent));
            assertEquals(200, r.status());
            assertEquals(HUNDRED_MB, r.length());
            assertEquals(sent.getValue(), r.crc());
        }
    }

    /**
     * The script cannot end before the test has read its first line: it waits for a file the test creates only then.
     * A watchdog that held the output until the process ended would deadlock with it until write_timeout (30 s) cut it.
     */
    @Test
    void outputReachesTheCallerBeforeTheProcessEnds() throws Exception {
        Path release = dir.resolve("release");
        String script = Scripts.write(dir, "ticker.sh", "echo first\n" + Scripts.blockUntil(release) + "\necho second");
        Map<String, String> env = Map.of("mode", "streaming", "fprocess", script, "write_timeout", "30s");
        try (WatchdogProcess w = WatchdogProcess.start(env, dir)) {
            long start = System.nanoTime();
            HttpResponse<InputStream> r = w.send(HttpRequest.newBuilder(w.uri("/")).POST(
                    HttpRequest.BodyPublishers.ofString("x")), HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                assertEquals(200, r.statusCode());
                assertEquals("first", lines.readLine());
                System.out.printf("streaming: first line after %d ms, while the process ran%n",
                        (System.nanoTime() - start) / 1_000_000);
                Scripts.release(release); // only now can the process go on to its second line and end
                assertEquals("second", lines.readLine());
                assertNull(lines.readLine());
            }
        }
    }

    @Test
    void timeoutBeforeAnyOutputIs504NotSuccess() throws Exception {
        String script = Scripts.write(dir, "silent.sh", "sleep 30");
        Map<String, String> env = Map.of("mode", "streaming", "fprocess", script, "exec_timeout", "1s");
        try (WatchdogProcess w = WatchdogProcess.start(env, dir)) {
            HttpResponse<String> r = w.post("x");
            assertEquals(504, r.statusCode());
            assertEquals("exec_timeout of 1s reached: process killed\n", r.body());
        }
    }

    @Test
    void failureBeforeAnyOutputIs500() throws Exception {
        String script = Scripts.write(dir, "fails.sh", "exit 3");
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("mode", "streaming", "fprocess", script), dir)) {
            HttpResponse<String> r = w.post("x");
            assertEquals(500, r.statusCode());
            assertEquals("exit status 3\n", r.body());
        }
    }

    @Test
    void timeoutAfterOutputBeganEndsTheResponseIncomplete() throws Exception {
        String script = Scripts.write(dir, "stalls.sh", "echo started\nsleep 30");
        Map<String, String> env = Map.of("mode", "streaming", "fprocess", script, "exec_timeout", "1s");
        try (WatchdogProcess w = WatchdogProcess.start(env, dir)) {
            assertThrows(IOException.class, () -> w.post("x"),
                    "a clean response would report the timed-out run as a success");
            assertTrue(w.log().contains("streamed response cut short"), w.log());
        }
    }

    @Test
    void failureAfterOutputBeganEndsTheResponseIncomplete() throws Exception {
        String script = Scripts.write(dir, "half.sh", "echo partial\nexit 3");
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("mode", "streaming", "fprocess", script), dir)) {
            assertThrows(IOException.class, () -> w.post("x"));
        }
    }

    @Test
    void callerGoingAwayMidStreamEndsTheProcessTree() throws Exception {
        String script = Scripts.write(dir, "endless.sh", "while true; do echo tick; sleep 0.05; done");
        Map<String, String> env = Map.of("mode", "streaming", "fprocess", script, "write_timeout", "60s");
        try (WatchdogProcess w = WatchdogProcess.start(env, dir)) {
            try (Socket socket = new Socket("127.0.0.1", w.port())) {
                socket.getOutputStream().write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                InputStream in = socket.getInputStream();
                byte[] head = new byte[12];
                assertEquals(12, in.readNBytes(head, 0, 12));
                assertEquals("HTTP/1.1 200", new String(head, StandardCharsets.ISO_8859_1));
            }
            // Unkilled, it would tick until write_timeout (60 s); the 20 s only guard against a hang.
            List<Long> left = w.awaitNoMarkedProcesses(java.time.Duration.ofSeconds(20));
            assertTrue(left.isEmpty(), "the function kept running for a caller that left: " + left);
        }
    }

    /** A body generated as it is read (never held), its checksum computed on the way. */
    private static final class Pattern extends InputStream {
        private final CRC32 crc;
        private long left;
        private int next;

        Pattern(long size, CRC32 crc) {
            this.left = size;
            this.crc = crc;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) (next++ * 31 + (next >>> 10));
            }
            crc.update(b, off, n);
            left -= n;
            return n;
        }
    }
}
