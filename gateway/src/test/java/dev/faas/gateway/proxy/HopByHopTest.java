package dev.faas.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.util.HeaderMap;
import io.undertow.util.HttpString;
import org.junit.jupiter.api.Test;

class HopByHopTest {
    @Test
    void hopByHopHeadersAndThoseConnectionNamesAreDropped() {
        HeaderMap h = new HeaderMap();
        h.put(HttpString.tryFromString("Connection"), "keep-alive, X-Secret-Hop");
        h.put(HttpString.tryFromString("Keep-Alive"), "timeout=5");
        h.put(HttpString.tryFromString("Proxy-Authorization"), "Basic x");
        h.put(HttpString.tryFromString("TE"), "trailers");
        h.put(HttpString.tryFromString("Upgrade"), "websocket");
        h.put(HttpString.tryFromString("X-Secret-Hop"), "1");
        h.put(HttpString.tryFromString("X-Call-Id"), "abc");
        h.put(HttpString.tryFromString("Content-Type"), "text/plain");
        HopByHop.strip(h);
        assertEquals(2, h.size());
        assertEquals("abc", h.getFirst("X-Call-Id"));
        assertEquals("text/plain", h.getFirst("Content-Type"));
    }

    @Test
    void framingHeadersStayEvenWhenConnectionNamesThem() {
        HeaderMap h = new HeaderMap();
        h.put(HttpString.tryFromString("Connection"), "Content-Length, Transfer-Encoding");
        h.put(HttpString.tryFromString("Content-Length"), "5");
        h.put(HttpString.tryFromString("Transfer-Encoding"), "chunked");
        HopByHop.strip(h);
        assertTrue(h.contains("Content-Length"));
        assertTrue(h.contains("Transfer-Encoding"));
        assertFalse(h.contains("Connection"));
    }

    /** A caller's Connection header may not take Host or the call's own headers from the function. */
    @Test
    void hostAndTheCallsHeadersStayEvenWhenConnectionNamesThem() {
        HeaderMap h = new HeaderMap();
        h.put(HttpString.tryFromString("Connection"), "host, X-Call-Id, x-start-time, X-Other");
        h.put(HttpString.tryFromString("Host"), "example");
        h.put(HttpString.tryFromString("X-Call-Id"), "abc");
        h.put(HttpString.tryFromString("X-Start-Time"), "1");
        h.put(HttpString.tryFromString("X-Other"), "gone");
        HopByHop.strip(h);
        assertEquals("example", h.getFirst("Host"));
        assertEquals("abc", h.getFirst("X-Call-Id"));
        assertEquals("1", h.getFirst("X-Start-Time"));
        assertFalse(h.contains("X-Other"));
    }
}
