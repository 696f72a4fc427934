package dev.faas.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and edge-case HTTP messages, sent as raw bytes to a real watchdog in http mode (its own parser) and in
 * fork mode (the JDK's server and the watchdog's checks before the body is read). Each row says what the function
 * sees when the message is accepted, or which status refuses it; a refusal by the watchdog is one short text line
 * and the connection closes. After every row the watchdog still answers the next request. docs/watchdog.md
 * ("Strict HTTP") explains the rows where the modes differ.
 */
class MalformedRequestsTest {
    private static final String HEAD = "POST /echo HTTP/1.1\r\nHost: wd\r\n";
    private static final String CHUNKED = HEAD + "Transfer-Encoding: chunked\r\n\r\n";

    /** What one mode does with a row's message. */
    record Expect(int status, String seen, Kind kind) {
        enum Kind { ACCEPTED, REFUSED, JDK_REFUSED, NO_ANSWER }

        @Override
        public String toString() {
            return kind == Kind.ACCEPTED ? "accepted, function sees " + seen.strip() : kind + " " + status;
        }
    }

    /** The bytes sent, what http mode and fork mode do with them. */
    record Row(String name, String request, boolean halfClose, Expect http, Expect fork) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** 200, and the function's echo of what it got holds {@code seen} (http mode: its headers, lower case). */
    static Expect sees(String seen) {
        return new Expect(200, seen, Expect.Kind.ACCEPTED);
    }

    /** The watchdog's own refusal: this status, one short plain-text line, the connection closed. */
    static Expect refused(int status) {
        return new Expect(status, null, Expect.Kind.REFUSED);
    }

    /** Refused by the JDK's server before the watchdog sees the request (its own small HTML body; see the docs). */
    static Expect jdkRefused(int status) {
        return new Expect(status, null, Expect.Kind.JDK_REFUSED);
    }

    /** The JDK's server closes the connection without any answer. */
    static Expect noAnswer() {
        return new Expect(0, null, Expect.Kind.NO_ANSWER);
    }

    static Row row(String name, String request, Expect http, Expect fork) {
        return new Row(name, request, false, http, fork);
    }

    /** A message cut short on purpose: the client ends its side after sending it. */
    static Row truncated(String name, String request, Expect http, Expect fork) {
        return new Row(name, request, true, http, fork);
    }

    static List<Row> rows() {
        String big = "a".repeat(20_000);
        return List.of(
                row("Content-Length body", HEAD + "Content-Length: 5\r\n\r\nhello",
                        sees("body=[hello]"), sees("body=[hello]")),
                row("chunked body", CHUNKED + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
                        sees("body=[hello world]"), sees("body=[hello world]")),
                row("chunked body with a trailer section", CHUNKED + "5\r\nhello\r\n0\r\nX-Checksum: 1\r\n\r\n",
                        sees("body=[hello]"), sees("body=[hello]")),
                row("chunk extensions", CHUNKED + "5;name=value\r\nhello\r\n0;last\r\n\r\n",
                        sees("body=[hello]"), sees("body=[hello]")),
                row("upper-case hex chunk size", CHUNKED + "A\r\nhelloworld\r\n0\r\n\r\n",
                        sees("body=[helloworld]"), sees("body=[helloworld]")),
                row("chunk size +5", CHUNKED + "+5\r\nhello\r\n0\r\n\r\n", refused(400), refused(400)),
                row("chunk size -0", CHUNKED + "-0\r\n\r\n", refused(400), refused(400)),
                row("chunk size 0x5", CHUNKED + "0x5\r\nhello\r\n0\r\n\r\n", refused(400), refused(400)),
                row("chunk size of 17 hex digits", CHUNKED + "10000000000000005\r\nhello\r\n0\r\n\r\n",
                        refused(400), refused(400)),
                row("chunk data not followed by CRLF", CHUNKED + "5\r\nhelloXX0\r\n\r\n", refused(400), refused(400)),
                truncated("chunked body without the final CRLF", CHUNKED + "5\r\nhello\r\n0\r\n",
                        refused(400), sees("body=[hello]")),
                truncated("chunk size that overflows 32 bits (4 GiB + 5)", CHUNKED + "100000005\r\nhello\r\n0\r\n\r\n",
                        refused(400), sees("body=[hello]")),
                row("duplicate equal Content-Length", HEAD + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
                        sees("body=[hello]"), jdkRefused(400)),
                row("duplicate differing Content-Length", HEAD + "Content-Length: 5\r\nContent-Length: 3\r\n\r\nhello",
                        refused(400), jdkRefused(400)),
                row("Content-Length list of equal values", HEAD + "Content-Length: 5, 5\r\n\r\nhello",
                        sees("body=[hello]"), jdkRefused(400)),
                row("Content-Length list of different values", HEAD + "Content-Length: 5, 3\r\n\r\nhello",
                        refused(400), jdkRefused(400)),
                row("Content-Length +5", HEAD + "Content-Length: +5\r\n\r\nhello", refused(400), refused(400)),
                row("Content-Length and Transfer-Encoding",
                        HEAD + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                        refused(400), jdkRefused(400)),
                row("Transfer-Encoding xchunked", HEAD + "Transfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                        refused(400), jdkRefused(501)),
                row("Transfer-Encoding chunked, gzip",
                        HEAD + "Transfer-Encoding: chunked, gzip\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                        refused(400), jdkRefused(501)),
                row("Transfer-Encoding gzip, chunked",
                        HEAD + "Transfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                        refused(400), jdkRefused(501)),
                row("Transfer-Encoding identity", HEAD + "Transfer-Encoding: identity\r\n\r\nhello",
                        refused(400), jdkRefused(501)),
                row("bare CR in a value", HEAD + "X-A: b\rc\r\nContent-Length: 0\r\n\r\n", refused(400), jdkRefused(400)),
                truncated("bare LF line ends", "POST /echo HTTP/1.1\nHost: wd\nContent-Length: 2\n\nhi",
                        refused(400), noAnswer()),
                row("space before the colon", HEAD + "X-A : b\r\nContent-Length: 0\r\n\r\n", refused(400), jdkRefused(400)),
                row("control character in a name", HEAD + "X\u0001A: b\r\nContent-Length: 0\r\n\r\n",
                        refused(400), jdkRefused(400)),
                row("separator in a name", HEAD + "X(A): b\r\nContent-Length: 0\r\n\r\n", refused(400), jdkRefused(400)),
                row("empty header name", HEAD + ": b\r\nContent-Length: 0\r\n\r\n", refused(400), jdkRefused(400)),
                row("underscore in a name reaches the function",
                        HEAD + "X_Foo_Bar: v\r\nContent-Length: 2\r\n\r\nhi",
                        sees("x_foo_bar: v"), sees("Http_X_Foo_Bar=v")),
                row("obs-fold", HEAD + "X-A: b\r\n c\r\nContent-Length: 0\r\n\r\n", refused(400), sees("Http_X_A=b c")),
                // The JDK's server, fork mode's and the test function's, turns HTAB into SP.
                row("tab in a value", HEAD + "X-A: b\tc\r\nContent-Length: 0\r\n\r\n",
                        sees("x-a: b c"), sees("Http_X_A=b c")),
                row("NUL in a value", HEAD + "X-A: b\u0000c\r\nContent-Length: 0\r\n\r\n", refused(400), refused(400)),
                row("DEL in a value", HEAD + "X-A: b\u007fc\r\nContent-Length: 0\r\n\r\n", refused(400), refused(400)),
                row("a 20 kB header", HEAD + "X-A: " + big + "\r\nContent-Length: 0\r\n\r\n",
                        refused(431), sees("Http_X_A=" + big)),
                row("HTTP/1.0 with a body", "POST /echo HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi",
                        sees("body=[hi]"), sees("body=[hi]")),
                row("HTTP/1.0 without a body", "GET /echo HTTP/1.0\r\n\r\n", sees("body=[]"), sees("body=[]")),
                row("absolute-form target", "POST http://wd/echo?q=1 HTTP/1.1\r\nHost: wd\r\nContent-Length: 2\r\n\r\nhi",
                        sees("body=[hi]"), sees("Http_Path=/echo")),
                row("two spaces in the request line", "POST /echo x HTTP/1.1\r\nHost: wd\r\nContent-Length: 0\r\n\r\n",
                        refused(400), sees("Http_Path=/echo")),
                row("HTTP/2.0 in an HTTP/1 request line", "POST /echo HTTP/2.0\r\nHost: wd\r\nContent-Length: 0\r\n\r\n",
                        refused(400), refused(400)),
                row("not a request line", "NONSENSE\r\n\r\n", refused(400), jdkRefused(400)),
                row("CONNECT", "CONNECT wd:443 HTTP/1.1\r\nHost: wd:443\r\n\r\n",
                        refused(501), noAnswer()));
    }

    @TempDir
    static Path dir;
    private static WatchdogProcess http;
    private static WatchdogProcess fork;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(dir.resolve("http"));
        Files.createDirectories(dir.resolve("fork"));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classes = Path.of("target", "test-classes").toAbsolutePath().toString();
        http = WatchdogProcess.start(Map.of("mode", "http", "upstream_url", "http://127.0.0.1:" + port,
                "fprocess", java + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp " + classes
                        + " dev.faas.watchdog.TestUpstream " + port + " 0"), dir.resolve("http"));
        String echo = Scripts.write(dir, "echo.sh", "printf 'body=['; cat; printf ']\\n'; env | grep '^Http_' | sort");
        fork = WatchdogProcess.start(Map.of("fprocess", echo, "read_timeout", "2s"), dir.resolve("fork"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (RawHttp.send(http.port(), "GET /_/ready HTTP/1.1\r\nHost: wd\r\n\r\n", false, false).status() != 200) {
            assertTrue(System.nanoTime() < deadline, "http mode never ready: " + http.log());
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        fork.close();
    }

    @ParameterizedTest(name = "{0}: {3}")
    @MethodSource("rows")
    void httpModeAnswersAsTheRowSays(Row row) throws Exception {
        check(http, row, row.http());
    }

    @ParameterizedTest(name = "{0}: {4}")
    @MethodSource("rows")
    void forkModeAnswersAsTheRowSays(Row row) throws Exception {
        check(fork, row, row.fork());
    }

    private static void check(WatchdogProcess w, Row row, Expect expect) throws Exception {
        RawHttp.Response r = RawHttp.send(w.port(), row.request(), row.halfClose(),
                expect.kind() != Expect.Kind.ACCEPTED);
        String got = r.status() + " " + r.headers() + " " + r.body();
        switch (expect.kind()) {
            case ACCEPTED:
                assertEquals(200, r.status(), got);
                assertTrue(r.body().contains(expect.seen()), got);
                break;
            case REFUSED:
                assertEquals(expect.status(), r.status(), got);
                assertTrue(r.contentType().startsWith("text/plain"), got);
                assertTrue(r.body().endsWith("\n") && r.body().indexOf('\n') == r.body().length() - 1
                        && r.body().length() <= 160, "one short line: " + got);
                assertTrue(r.closedAfter(), "connection closed after the refusal: " + got);
                break;
            case JDK_REFUSED:
                assertEquals(expect.status(), r.status(), got);
                assertTrue(r.closedAfter(), "connection closed after the refusal: " + got);
                break;
            default:
                assertEquals(0, r.status(), "no answer: " + got);
        }
        RawHttp.Response next = RawHttp.send(w.port(), HEAD + "Content-Length: 2\r\nConnection: close\r\n\r\nok", false,
                false);
        assertEquals(200, next.status(), "the next request is served: " + next);
        assertTrue(next.body().contains("body=[ok]"), next.body());
    }
}
