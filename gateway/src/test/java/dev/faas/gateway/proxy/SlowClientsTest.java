package dev.faas.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Callers that send slowly or stop: each ends by its deadline, and the gateway serves on.
 * The deadlines are short here so the tests wait for an event, not a clock: the socket's own 5 s timeout would
 * fail a test whose deadline never came. No test asserts how long anything took.
 */
class SlowClientsTest {
    private static final String HEAD = "POST /function/f HTTP/1.1\r\nHost: x\r\n";
    private final LoopbackGateway gateway = new LoopbackGateway();

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void aHeadThatNeverCompletesIsClosedAtHeadTimeout() throws Exception {
        gateway.start("f=" + gateway.counting(), Map.of("head_timeout", "300ms"));
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(RawHttp.bytes("GET /function/f HTTP/1.1\r\nHost: x\r\nX-Slow: "));
            InputStream in = s.getInputStream();
            assertEquals(-1, in.read(), "the connection closes (Undertow sends no 408 there)");
        }
        assertServed();
    }

    /** Was a 504 at upstream_timeout (the function held waiting for the rest), and the function's connection held. */
    @Test
    void aBodyThatStopsArrivingIs408AndNothingReachesTheFunction() throws Exception {
        RecordingUpstream function = new RecordingUpstream();
        try (function) {
            gateway.start("f=" + function.address(), Map.of("body_timeout", "300ms", "upstream_timeout", "20s"));
            for (String request : new String[] {HEAD + "Content-Length: 10\r\n\r\nhalf.",
                    HEAD + "Transfer-Encoding: chunked\r\n\r\n5\r\nhalf.\r\n"}) {
                RawHttp.Answer a = sendAndWait(request);
                assertTimedOut(a);
            }
            assertServed();
            assertEquals("GET / HTTP/1.1", function.next().requestLine(), "only the last call reached the function");
        }
    }

    @Test
    void aBodyThatTricklesInPastBodyTimeoutIs408() throws Exception {
        gateway.start("f=" + gateway.counting(), Map.of("body_timeout", "300ms"));
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(RawHttp.bytes(HEAD + "Content-Length: 1000\r\n\r\n"));
            CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> trickle(out, 1000));
            assertTimedOut(RawHttp.read(s.getInputStream()));
            trickle.cancel(true);
        }
        assertServed();
    }

    /**
     * A body larger than request_buffer is already on its way to the function when it stops: the function sees its
     * request broken off (not a short body taken for a whole one), the caller gets 408.
     */
    @Test
    void aStreamedBodyThatStopsIs408AndTheFunctionSeesItCutOff() throws Exception {
        CompletableFuture<String> upstreamRead = new CompletableFuture<>();
        gateway.start("f=" + gateway.bodyReader(upstreamRead), Map.of("body_timeout", "500ms", "request_buffer", "1k"));
        for (String framing : new String[] {"Content-Length: 100000\r\n\r\n", "Transfer-Encoding: chunked\r\n\r\n2000\r\n"}) {
            try (Socket s = new Socket("127.0.0.1", gateway.port())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(RawHttp.bytes(HEAD + framing + "x".repeat(4096)));
                assertTimedOut(RawHttp.read(s.getInputStream()));
            }
            assertTrue(upstreamRead.get(5, TimeUnit.SECONDS).startsWith("read failed"), framing + upstreamRead.getNow(""));
            upstreamRead = new CompletableFuture<>();
            gateway.close();
            gateway.start("f=" + gateway.bodyReader(upstreamRead), Map.of("body_timeout", "500ms", "request_buffer", "1k"));
        }
    }

    /**
     * One upstream connection, no wait queue: before request buffering the stalled sender's call held the function's
     * only connection, and the other caller got 503 "busy" at once.
     */
    @Test
    void aStalledSenderDoesNotHoldTheFunctionsConnectionFromOtherCallers() throws Exception {
        RecordingUpstream function = new RecordingUpstream();
        try (function; Socket stalled = new Socket("127.0.0.1", port(gateway, function))) {
            assertEquals(200, gateway.call("f").statusCode(), "the pool's one connection is open and idle");
            function.next();
            stalled.setSoTimeout(5000);
            stalled.getOutputStream().write(RawHttp.bytes(HEAD + "Content-Length: 10\r\n\r\nhalf."));
            for (long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); gateway.startedCalls("f") < 2; ) {
                // until the gateway has taken the stalled call up (and, before buffering, its connection)
                assertTrue(System.nanoTime() < giveUp, "the stalled call never started");
                Thread.sleep(5);
            }
            var other = gateway.call("f");
            assertEquals(200, other.statusCode(), other.body());
            assertEquals("x", RawHttp.ascii(function.next().body()), "the other call reached the function");
            stalled.getOutputStream().write(RawHttp.bytes("rest."));
            RawHttp.Answer late = RawHttp.read(stalled.getInputStream());
            assertEquals(200, late.status(), late.toString());
            assertEquals("half.rest.", RawHttp.ascii(function.next().body()), "the stalled call got there whole, later");
        }
    }

    /** Starts the gateway for {@link #aStalledSenderDoesNotHoldTheFunctionsConnectionFromOtherCallers}. */
    private static int port(LoopbackGateway g, RecordingUpstream function) {
        g.start("f=" + function.address(), Map.of("io_threads", "1", "upstream_connections", "1",
                "upstream_queue", "0", "body_timeout", "20s", "upstream_timeout", "20s"));
        return g.port();
    }

    private RawHttp.Answer sendAndWait(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(RawHttp.bytes(request));
            return RawHttp.read(s.getInputStream());
        }
    }

    private static void assertTimedOut(RawHttp.Answer a) {
        assertEquals(408, a.status(), a.toString());
        assertTrue(a.closed(), "the connection closes after a 408: " + a);
        assertTrue(a.body().startsWith("request body did not arrive whole within body_timeout"), a.toString());
        assertEquals(a.body().length() - 1, a.body().indexOf('\n'), "one line: " + a);
    }

    private void assertServed() throws IOException {
        assertEquals(200, RawHttp.send(gateway.port(), RawHttp.bytes("GET /function/f HTTP/1.1\r\nHost: x\r\n\r\n")).status());
    }

    /** One byte each 20 ms until {@code n} are sent or the gateway has closed the connection. */
    private static void trickle(OutputStream out, int n) {
        try {
            for (int i = 0; i < n; i++) {
                out.write('x');
                out.flush();
                Thread.sleep(20);
            }
        } catch (IOException | InterruptedException closed) {
            // the gateway gave up on the body, as it should
        }
    }
}
