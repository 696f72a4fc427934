package dev.faas.watchdog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fork mode against a real watchdog process: one process per request, body in, output out. */
class ForkModeTest {
    @TempDir
    Path dir;

    @Test
    void catEchoesTheBodyWithDurationAndTheRequestsContentType() throws Exception {
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", "cat"), dir)) {
            HttpResponse<String> r = w.send(HttpRequest.newBuilder(w.uri("/")).header("Content-Type", "text/x-test")
                    .POST(HttpRequest.BodyPublishers.ofString("hello watchdog")));
            assertEquals(200, r.statusCode());
            assertEquals("hello watchdog", r.body());
            assertEquals("text/x-test", r.headers().firstValue("Content-Type").orElse(""));
            assertTrue(r.headers().firstValue("X-Duration-Seconds").orElse("").matches("\\d+\\.\\d{6}"),
                    r.headers().map().toString());
        }
    }

    @Test
    void spawnJdkStartsProcessesWithTheJdksProcessBuilderAndPosixIsTheDefault() throws Exception {
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", "cat", "spawn", "jdk"), dir)) {
            assertEquals("hello jdk", w.post("hello jdk").body());
            assertTrue(w.awaitLogLine("msg=listening").contains(" spawn=jdk "), w.log());
        }
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", "cat"), dir)) {
            assertTrue(w.awaitLogLine("msg=listening").contains(" spawn=posix "), w.log());
        }
    }

    @Test
    void eachCallLogsTheClassicForkingAndWroteLinesInTheGatewaysLayout() throws Exception {
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", "cat"), dir)) {
            assertEquals("hello watchdog", w.post("hello watchdog").body());
            String wrote = w.awaitLogLine("event=wrote");
            assertTrue(wrote.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(?:Z|[+-]\\d\\d:\\d\\d) INFO watchdog - "
                    + "event=wrote bytes=14 duration_s=(\\d+\\.\\d{6}) msg=\"Wrote 14 Bytes - Duration: \\1 seconds\""), wrote);
            assertTrue(w.log().contains("INFO watchdog - event=fork msg=\"Forking fprocess.\""), w.log());
        }
    }

    @Test
    void logCallsFalseLeavesThePerCallLinesOut() throws Exception {
        String script = Scripts.write(dir, "maybe-fail.sh", "read x; [ \"$x\" = fail ] && exit 3; echo ok");
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", script, "log_calls", "false"), dir)) {
            assertEquals(200, w.post("fine\n").statusCode());
            assertEquals(500, w.post("fail\n").statusCode());
            w.awaitLogLine("function exited with an error"); // logged after the calls' own lines would be
            assertFalse(w.log().contains("event=fork") || w.log().contains("event=wrote"), w.log());
        }
    }

    @Test
    void nonZeroExitIs500NamingTheExitStatusThenTheOutput() throws Exception {
        String script = Scripts.write(dir, "fail.sh", "echo partial\necho oops >&2\nexit 3");
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", script), dir)) {
            HttpResponse<String> r = w.post("x");
            assertEquals(500, r.statusCode());
            assertTrue(r.body().startsWith("exit status 3\n"), r.body());
            assertTrue(r.body().contains("partial") && r.body().contains("oops"), "combine_output is on by default");
        }
    }

    @Test
    void combineOutputFalseKeepsStderrOutOfTheResponse() throws Exception {
        String script = Scripts.write(dir, "noisy.sh", "echo out\necho err-line >&2");
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", script, "combine_output", "false"), dir)) {
            HttpResponse<String> r = w.post("x");
            assertEquals("out\n", r.body());
        }
    }

    @Test
    void fiftyMegabytesStreamThroughCatUnchanged() throws Exception {
        byte[] body = new byte[50 * 1024 * 1024];
        new Random(42).nextBytes(body);
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", "cat", "write_timeout", "60s",
                "read_timeout", "60s"), dir)) {
            HttpResponse<InputStream> r = w.send(HttpRequest.newBuilder(w.uri("/"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, r.statusCode());
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long length = 0;
            try (InputStream in = r.body()) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; length += n) {
                    sha.update(buf, 0, n);
                }
            }
            assertEquals(body.length, length);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(body), sha.digest());
        }
    }

    /** Fork mode holds the output: more than the heap holds is a clear 500, and the watchdog serves on. */
    @Test
    void anOutputLargerThanMemoryIsA500ThatSaysSoAndTheNextCallIsServed() throws Exception {
        byte[] body = new byte[48 * 1024 * 1024];
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", "cat", "write_timeout", "60s",
                "read_timeout", "60s"), dir, List.of("-Xmx24m"))) {
            HttpResponse<String> r = w.send(HttpRequest.newBuilder(w.uri("/"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)), HttpResponse.BodyHandlers.ofString());
            assertEquals(500, r.statusCode());
            assertTrue(r.body().contains("did not fit in the watchdog's memory"), r.body());
            assertEquals("still here", w.post("still here").body());
        }
    }

    @Test
    void chunkedBodyStreamsThroughCat() throws Exception {
        byte[] body = new byte[300 * 1024];
        new Random(7).nextBytes(body);
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", "cat"), dir)) {
            HttpResponse<byte[]> r = w.send(HttpRequest.newBuilder(w.uri("/")).POST(
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode());
            assertArrayEquals(body, r.body());
        }
    }

    @Test
    void cgiHeadersGiveTheRequestToTheProcessAsEnvironment() throws Exception {
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", "env"), dir)) {
            HttpResponse<String> r = w.send(HttpRequest.newBuilder(w.uri("/some/path?a=1&b=2"))
                    .header("x-custom-HEADER", "v1").method("PUT", HttpRequest.BodyPublishers.ofString("12345")));
            assertEquals(200, r.statusCode());
            String env = r.body();
            for (String line : new String[] {"Http_X_Custom_Header=v1", "Http_Method=PUT", "Http_Path=/some/path",
                    "Http_Query=a=1&b=2", "Http_Content_Length=5", "Http_Host=127.0.0.1:" + w.port()}) {
                assertTrue(env.contains(line + "\n"), line + " missing in:\n" + env);
            }
        }
    }

    @Test
    void cgiHeadersFalsePassesNoRequestEnvironment() throws Exception {
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", "env", "cgi_headers", "false"), dir)) {
            HttpResponse<String> r = w.post("x");
            assertEquals(200, r.statusCode());
            assertFalse(r.body().contains("Http_Method"), r.body());
        }
    }

    /**
     * No environment can hold a NUL: a path with a decoded %00 is left out, and the function still runs. (A NUL in a
     * header value is a malformed request, refused with 400: MalformedRequestsTest.)
     */
    @Test
    void aNulInThePathLeavesHttpPathOutInsteadOfFailingTheCall() throws Exception {
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", "env"), dir);
             java.net.Socket s = new java.net.Socket("127.0.0.1", w.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("POST /a%00b HTTP/1.1\r\nHost: x\r\nX-Good: yes\r\n"
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            assertTrue(answer.contains("Http_X_Good=yes\n"), answer);
            assertFalse(answer.contains("Http_Path"), answer);
        }
    }

    @Test
    void marshalRequestSendsHeadersAndBase64BodyAsJson() throws Exception {
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", "cat", "marshal_request", "true"), dir)) {
            HttpResponse<String> r = w.send(HttpRequest.newBuilder(w.uri("/")).header("X-Name", "a\"b")
                    .POST(HttpRequest.BodyPublishers.ofString("hi")));
            assertTrue(r.body().startsWith("{\"header\":{\"header\":{"), r.body());
            assertTrue(r.body().contains("\"X-Name\":[\"a\\\"b\"]"), r.body());
            assertTrue(r.body().endsWith("\"body\":{\"raw\":\"aGk=\"}}"), r.body());
        }
    }

    @Test
    void contentTypeSettingOverridesTheRequests() throws Exception {
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", "cat", "content_type", "application/json"),
                dir)) {
            HttpResponse<String> r = w.send(HttpRequest.newBuilder(w.uri("/")).header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        }
    }

    @Test
    void programThatCannotBeFoundIs500WithAClearBodyAndALogLine() throws Exception {
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", "no-such-program-xyz --flag"), dir)) {
            HttpResponse<String> r = w.post("x");
            assertEquals(500, r.statusCode());
            assertTrue(r.body().startsWith("cannot start the function: program 'no-such-program-xyz' was not found"),
                    r.body());
            assertTrue(w.log().contains("WARN watchdog - msg=\"fprocess program not found"), w.log());
            assertTrue(w.log().contains("ERROR watchdog - msg=\"cannot start the function\""), w.log());
        }
    }
}
