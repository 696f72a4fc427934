package dev.faas.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and edge-case HTTP messages, byte for byte over a raw socket: what the caller gets, what reached the
 * function (exactly the request, or nothing), and that the gateway serves the next request afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedRequestsTest {
    private static final String POST = "POST /function/f HTTP/1.1\r\nHost: x\r\n";
    private static final String GET = "GET /function/f HTTP/1.1\r\nHost: x\r\n";

    /**
     * One message. {@code status} 0: the connection closes without an answer. {@code ours}: the answer is the
     * gateway's own, one short line of text. {@code closes}: the connection is closed after the answer (where the
     * body ends is unknown, or Undertow's parser gave up). {@code forwarded}: what the function must have got (null: nothing).
     */
    record Row(String name, String request, int status, boolean ours, boolean closes,
               Predicate<RecordingUpstream.Seen> forwarded) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Refused by the gateway itself because of its framing or method: the connection closes. */
    private static Row refused(String name, String request, int status) {
        return new Row(name, request, status, true, true, null);
    }

    /** Refused by Undertow's own parser: 400 and the connection closed (its answer has no body). */
    private static Row unparsable(String name, String request) {
        return new Row(name, request, 400, false, true, null);
    }

    private static Row passed(String name, String request, Predicate<RecordingUpstream.Seen> seen) {
        return new Row(name, request, 200, false, false, seen);
    }

    private static Predicate<RecordingUpstream.Seen> body(String body) {
        return s -> RawHttp.ascii(s.body()).equals(body);
    }

    static Stream<Row> rows() {
        String chunkedHi = "Transfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n";
        return Stream.of(
                passed("Content-Length body", POST + "Content-Length: 2\r\n\r\nhi", body("hi")),
                passed("chunked body", POST + chunkedHi, body("hi")),
                passed("chunked body with a trailer", POST + "Transfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-T: 1\r\n\r\n",
                        body("hi")),
                passed("chunk extension", POST + "Transfer-Encoding: chunked\r\n\r\n2;a=b\r\nhi\r\n0\r\n\r\n", body("hi")),
                passed("Transfer-Encoding in another case", POST + "Transfer-Encoding: Chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
                        body("hi")),
                passed("Transfer-Encoding with spaces around chunked", POST + "Transfer-Encoding:  chunked \r\n\r\n"
                        + "2\r\nhi\r\n0\r\n\r\n", body("hi")),
                refused("Transfer-Encoding: xchunked", POST + "Transfer-Encoding: xchunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n", 400),
                refused("Transfer-Encoding: chunked, gzip", POST + "Transfer-Encoding: chunked, gzip\r\n\r\n"
                        + "2\r\nhi\r\n0\r\n\r\n", 400),
                refused("Transfer-Encoding: gzip, chunked", POST + "Transfer-Encoding: gzip, chunked\r\n\r\n"
                        + "2\r\nhi\r\n0\r\n\r\n", 400),
                refused("Transfer-Encoding: identity", POST + "Transfer-Encoding: identity\r\n\r\nhi", 400),
                refused("Transfer-Encoding: chunked in HTTP/1.0", "POST /function/f HTTP/1.0\r\nHost: x\r\n" + chunkedHi, 400),
                unparsable("Content-Length and Transfer-Encoding", POST + "Content-Length: 2\r\n" + chunkedHi),
                unparsable("differing duplicate Content-Length", POST + "Content-Length: 2\r\nContent-Length: 3\r\n\r\nhi!"),
                unparsable("Content-Length list", POST + "Content-Length: 2, 2\r\n\r\nhi"),
                unparsable("negative Content-Length", POST + "Content-Length: -1\r\n\r\nhi"),
                unparsable("Content-Length with a sign", POST + "Content-Length: +2\r\n\r\nhi"),
                unparsable("two Transfer-Encoding fields", POST + "Transfer-Encoding: chunked\r\n" + chunkedHi),
                unparsable("bare LF line ends", "POST /function/f HTTP/1.1\nHost: x\nContent-Length: 2\n\nhi"),
                unparsable("bare CR in the head", POST + "X-A: a\rX-B: b\r\nContent-Length: 2\r\n\r\nhi"),
                unparsable("space before the colon", POST + "Content-Length : 2\r\n\r\nhi"),
                unparsable("NUL in a value", GET + "X-A: a\u0000b\r\n\r\n"),
                unparsable("control character in a name", GET + "X\u0001A: a\r\n\r\n"),
                unparsable("empty header name", GET + ": a\r\n\r\n"),
                unparsable("space in the request target", "GET /function/f x HTTP/1.1\r\nHost: x\r\n\r\n"),
                unparsable("bad percent-encoding", "GET /function/f/%zz HTTP/1.1\r\nHost: x\r\n\r\n"),
                unparsable("HTTP/2.0 over HTTP/1", "GET /function/f HTTP/2.0\r\nHost: x\r\n\r\n"),
                unparsable("not HTTP at all", "HELLO\r\n\r\n"),
                unparsable("no Host in HTTP/1.1", "GET /function/f HTTP/1.1\r\n\r\n"),
                unparsable("two Host fields", "GET /function/f HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
                refused("CONNECT", "CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n", 501),
                new Row("encoded dots as a name", "GET /function/%2e%2e HTTP/1.1\r\nHost: x\r\n\r\n", 400, true, false, null),
                passed("Connection: host keeps Host", GET + "Connection: host\r\n\r\n", s -> "x".equals(s.header("Host"))),
                passed("Connection: X-Call-Id keeps the call id", GET + "Connection: X-Call-Id\r\n\r\n",
                        s -> s.header("X-Call-Id") != null && s.header("X-Call-Id").length() == 36),
                passed("a header with _ in its name", GET + "X_Under: 1\r\n\r\n", s -> "1".equals(s.header("X_Under"))),
                passed("hop-by-hop Upgrade is not forwarded", GET + "Connection: Upgrade\r\nUpgrade: h2c\r\n\r\n",
                        s -> s.header("Upgrade") == null && s.header("Connection") == null),
                new Row("HTTP/1.0 without Host", "GET /function/f HTTP/1.0\r\n\r\n", 200, false, true,
                        s -> s.requestLine().equals("GET / HTTP/1.1")),
                passed("unknown method goes to the function", "FOO /function/f HTTP/1.1\r\nHost: x\r\n\r\n",
                        s -> s.requestLine().equals("FOO / HTTP/1.1")),
                passed("absolute-form target", "GET http://x/function/f/p?q=1 HTTP/1.1\r\nHost: x\r\n\r\n",
                        s -> s.requestLine().equals("GET /p?q=1 HTTP/1.1")),
                passed("Expect: 100-continue", POST + "Content-Length: 2\r\nExpect: 100-continue\r\n\r\nhi", body("hi")),
                passed("empty chunked body", POST + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", body("")),
                // Undertow's own chunk parser takes a size line that does not start with a hex digit for the last
                // chunk and anything after a chunk's data up to LF as its line end: these were a broken forward
                // (+2, zz) or an empty body (-0). RFC 9112 §7.1: chunk-size = 1*HEXDIG.
                refused("chunk size +2", POST + "Transfer-Encoding: chunked\r\n\r\n+2\r\nhi\r\n0\r\n\r\n", 400),
                refused("chunk size zz", POST + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhi\r\n0\r\n\r\n", 400),
                refused("chunk size -0", POST + "Transfer-Encoding: chunked\r\n\r\n-0\r\n\r\n", 400),
                refused("chunk size 0x2", POST + "Transfer-Encoding: chunked\r\n\r\n0x2\r\nhi\r\n0\r\n\r\n", 400),
                refused("chunk size 2z", POST + "Transfer-Encoding: chunked\r\n\r\n2z\r\nhi\r\n0\r\n\r\n", 400),
                refused("empty chunk size", POST + "Transfer-Encoding: chunked\r\n\r\n\r\nhi\r\n0\r\n\r\n", 400),
                refused("chunk size over 2^63", POST + "Transfer-Encoding: chunked\r\n\r\n80000000000000000\r\nhi\r\n", 400),
                refused("chunk longer than its size", POST + "Transfer-Encoding: chunked\r\n\r\n2\r\nhiX\r\n0\r\n\r\n", 400),
                refused("bare LF after a chunk size", POST + "Transfer-Encoding: chunked\r\n\r\n2\nhi\r\n0\r\n\r\n", 400),
                refused("bad chunk size after a good chunk", POST + "Transfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n+1\r\n!"
                        + "\r\n0\r\n\r\n", 400),
                passed("chunk size with leading zeros", POST + "Transfer-Encoding: chunked\r\n\r\n002\r\nhi\r\n0000\r\n\r\n",
                        body("hi")),
                passed("upper-case chunk size", POST + "Transfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
                        body("0123456789")),
                passed("space before a chunk extension", POST + "Transfer-Encoding: chunked\r\n\r\n2 ;a=b\r\nhi\r\n0\r\n\r\n",
                        body("hi")),
                passed("chunked with Expect: 100-continue", POST + "Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
                        + "2\r\nhi\r\n0\r\n\r\n", s -> RawHttp.ascii(s.body()).equals("hi") && s.header("Expect") == null),
                new Row("HTTP/1.0 with a body", "POST /function/f HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi", 200, false, true,
                        body("hi")));
    }

    private final LoopbackGateway gateway = new LoopbackGateway();
    private RecordingUpstream function;

    @BeforeAll
    void start() throws Exception {
        function = new RecordingUpstream();
        gateway.start("f=" + function.address(), Map.of("upstream_timeout", "5s"));
    }

    @AfterAll
    void stop() throws Exception {
        gateway.close();
        function.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachMessageGetsItsAnswerAndTheGatewayServesTheNextOne(Row row) throws Exception {
        RawHttp.Answer a = RawHttp.send(gateway.port(), RawHttp.bytes(row.request()));
        assertEquals(row.status(), a.status(), row.name() + ": " + a);
        if (row.ours()) {
            assertTrue(a.header("Content-Type").startsWith("text/plain"), row.name() + ": " + a);
            assertTrue(a.body().endsWith("\n") && a.body().indexOf('\n') == a.body().length() - 1
                    && a.body().length() > 1 && a.body().length() < 200, row.name() + ": one short line, not " + a);
        }
        assertEquals(row.closes(), a.closed(), row.name() + ": whether the connection closes after " + a);
        // What the function got for this row, then the next request on a new connection, which must be served.
        RawHttp.Answer next = RawHttp.send(gateway.port(), RawHttp.bytes("GET /function/f/next HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals(200, next.status(), "after " + row.name() + ": " + next);
        List<RecordingUpstream.Seen> got = new java.util.ArrayList<>();
        for (RecordingUpstream.Seen s = function.next(); !s.requestLine().startsWith("GET /next "); s = function.next()) {
            got.add(s);
        }
        if (row.forwarded() == null) {
            assertEquals(List.of(), got.stream().map(RecordingUpstream.Seen::head).toList(),
                    row.name() + ": nothing reaches the function");
        } else {
            assertEquals(1, got.size(), row.name() + ": exactly one request reaches the function: "
                    + got.stream().map(RecordingUpstream.Seen::head).toList());
            assertTrue(row.forwarded().test(got.get(0)), row.name() + ": the function got " + got.get(0).head()
                    + " body=" + RawHttp.ascii(got.get(0).body()));
        }
    }
}
