package dev.faas.watchdog;

import static dev.faas.watchdog.LambdaTests.invoke;
import static dev.faas.watchdog.LambdaTests.ready;
import static dev.faas.watchdog.LambdaTests.requireCurl;
import static dev.faas.watchdog.LambdaTests.runtimeApiPort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Runtime API as a runtime uses it (LambdaRuntimes, a real watchdog JVM): answers out of turn, long polls given
 * up, connections, the port.
 */
class LambdaRuntimeApiTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void curlIsThere() throws Exception {
        requireCurl();
    }

    @Test
    void nextWithoutAnsweringEndsThatInvocationAs502AndTheRuntimeServesOn() throws Exception {
        try (WatchdogProcess w = ready(dir, Map.of())) {
            String pid = invoke(w, "pid").body();
            HttpResponse<String> r = invoke(w, "skip");
            assertEquals(502, r.statusCode());
            assertEquals("Unhandled", r.headers().firstValue("x-amz-function-error").orElse(""));
            assertTrue(r.body().startsWith("{\"errorType\":\"Runtime.NoResponse\""), r.body());
            assertEquals(pid, invoke(w, "pid").body(), "not restarted");
        }
    }

    @Test
    void aSecondAnswerAnUnknownIdAndAnUnknownPathAreRefused() throws Exception {
        try (WatchdogProcess w = ready(dir, Map.of())) {
            HttpResponse<String> r = invoke(w, "twice");
            assertEquals(200, r.statusCode());
            assertEquals("first", r.body());
            Scripts.awaitFile(dir.resolve("twice"));
            assertEquals("400 400 404", Files.readString(dir.resolve("twice")).trim());
        }
    }

    /**
     * The runtime gives up three long polls (curl --max-time) and, after the last, waits a moment before it asks again:
     * the first call comes while only the given-up poll waits, so it must notice the closed socket and leave the call
     * queued for the next poll rather than send it to nobody.
     */
    @Test
    void aRuntimeThatGivesUpLongPollsAndAsksAgainGetsAndAnswersTheNextCalls() throws Exception {
        Files.createFile(dir.resolve("abandon-polls"));
        try (WatchdogProcess w = ready(dir, Map.of("exec_timeout", "10s"))) {
            Scripts.awaitFile(dir.resolve("abandoned"));
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = invoke(w, "call " + i);
                assertEquals(200, r.statusCode(), r.body() + "\n" + w.log());
                assertEquals("call " + i, r.body());
            }
            assertFalse(w.log().contains("without answering"), w.log());
        }
    }

    /** The runtime's own poll holds one connection: seven more are served, the one after is closed at once. */
    @Test
    void aRuntimeGetsAtMostEightConnectionsAndServesOnWhenItClosesThem() throws Exception {
        try (WatchdogProcess w = ready(dir, Map.of())) {
            int port = runtimeApiPort(w);
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 7; i++) {
                    held.add(new Socket(InetAddress.getLoopbackAddress(), port));
                }
                try (Socket extra = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    extra.setSoTimeout(10_000);
                    assertEquals(-1, extra.getInputStream().read(), "closed without an answer");
                }
                w.awaitLogLine("too many Runtime API connections");
                Socket first = held.get(0);
                first.setSoTimeout(10_000);
                first.getOutputStream().write("GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                String status = new String(first.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 404", status, "the seven are served");
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
            assertEquals("after", invoke(w, "after").body());
        }
    }

    @Test
    void aTakenRuntimeApiPortStopsTheStartWithAMessageNamingIt() throws Exception {
        LambdaRuntimes.write(dir);
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            WatchdogProcess w = WatchdogProcess.startAndAwaitExit(Map.of("mode", "lambda", "LAMBDA_TASK_ROOT",
                    dir.toString(), "lambda_runtime_port", Integer.toString(taken.getLocalPort())), dir);
            assertEquals(1, w.process.exitValue());
            assertTrue(w.log().contains("cannot serve the Lambda Runtime API on 127.0.0.1:" + taken.getLocalPort()
                    + " (lambda_runtime_port + 0)"), w.log());
        }
    }
}
