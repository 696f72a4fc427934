package dev.faas.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Callers that send slowly or stop: each ends by its deadline, and the gateway serves on.
 * The deadlines are short here so the tests wait for an event, not a clock: the socket's own 5 s timeout would
 * fail a test whose deadline never came.
 */
class SlowClientsTest {
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
        assertEquals(200, RawHttp.send(gateway.port(), RawHttp.bytes("GET /function/f HTTP/1.1\r\nHost: x\r\n\r\n")).status());
    }
}
