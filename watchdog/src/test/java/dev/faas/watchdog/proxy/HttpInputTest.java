package dev.faas.watchdog.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Message parsing and body framing of http mode's proxy, on byte streams. */
class HttpInputTest {
    private static HttpInput input(String text, boolean client) {
        return new HttpInput(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), 64, client);
    }

    @Test
    void requestHeadIsParsedAndTheNextRequestStaysBuffered() throws IOException {
        HttpInput in = input("POST /a/b?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nX-Test:  v \r\n\r\nabc"
                + "GET / HTTP/1.0\r\n\r\n", true);
        Heads.Request first = Heads.request(in);
        assertEquals("POST", first.method());
        assertEquals("/a/b", first.path());
        assertEquals("v", first.fields().get("x-test"));
        assertTrue(first.http11());
        assertEquals(new Framing(Framing.Kind.LENGTH, 3), Framing.ofRequest(first.fields(), in));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        in.copyFixed(3, body);
        assertEquals("abc", body.toString(StandardCharsets.ISO_8859_1));
        Heads.Request second = Heads.request(in);
        assertEquals("GET", second.method());
        assertEquals(false, second.http11());
        assertNull(Heads.request(in), "a clean end between requests");
    }

    @Test
    void chunkedBodiesAreRelayedWithoutTheirExtensionsAndTrailerOrDecoded() throws IOException {
        String chunked = "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer: t\r\n\r\n";
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        input(chunked, false).copyChunked(raw, true);
        assertEquals("5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n", raw.toString(StandardCharsets.ISO_8859_1));
        ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        input(chunked, false).copyChunked(decoded, false);
        assertEquals("hello, world", decoded.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void callersMalformedInputIsAClientFailureWithItsStatus() {
        ClientFailure bad = assertThrows(ClientFailure.class, () -> Heads.request(input("NONSENSE\r\n\r\n", true)));
        assertEquals(400, bad.status);
        ClientFailure tooLong = assertThrows(ClientFailure.class,
                () -> Heads.request(input("GET /" + "x".repeat(100) + " HTTP/1.1\r\n\r\n", true)));
        assertEquals(431, tooLong.status);
        HttpInput both = input("POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", true);
        assertThrows(ClientFailure.class, () -> Framing.ofRequest(Heads.request(both).fields(), both));
    }

    @Test
    void responseFramingFollowsStatusMethodAndHeaders() throws IOException {
        HttpInput in = input("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
                false);
        Heads.Response r = Heads.response(in);
        assertEquals(200, r.status(), "interim responses are skipped");
        assertEquals(Framing.CHUNKED, Framing.ofResponse(200, false, r.fields(), in));
        assertEquals(Framing.NONE, Framing.ofResponse(200, true, r.fields(), in), "a HEAD response has no body");
        assertEquals(Framing.NONE, Framing.ofResponse(204, false, r.fields(), in));
        HttpInput noLength = input("HTTP/1.0 200 OK\r\n\r\nbody", false);
        Heads.Response old = Heads.response(noLength);
        Framing untilClose = Framing.ofResponse(200, false, old.fields(), noLength);
        assertEquals(Framing.UNTIL_CLOSE, untilClose);
        assertEquals(false, untilClose.selfDelimited());
    }

    @Test
    void hopByHopFieldsAndThoseConnectionNamesAreNotForwarded() throws IOException {
        HttpInput in = input("GET / HTTP/1.1\r\nConnection: close, X-Private\r\nX-Private: p\r\nKeep-Alive: 5\r\n"
                + "Content-Length: 0\r\nX-Kept: k\r\n\r\n", true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Heads.request(in).fields().writeEndToEnd(out);
        assertEquals("X-Kept: k\r\n", out.toString(StandardCharsets.ISO_8859_1));
    }
}
