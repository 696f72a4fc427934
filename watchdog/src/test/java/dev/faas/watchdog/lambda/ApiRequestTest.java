package dev.faas.watchdog.lambda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The Runtime API's request reader: what a runtime sends, and what it must not. */
class ApiRequestTest {
    private final ByteArrayOutputStream interim = new ByteArrayOutputStream();

    private ApiRequest read(String raw, long maxBody) throws IOException {
        return ApiRequest.read(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)), interim, maxBody);
    }

    private static String post(String headers, String body) {
        return "POST /2018-06-01/runtime/invocation/r1/response HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n" + body;
    }

    @Test
    void readsAFixedLengthAndAChunkedBody() throws IOException {
        ApiRequest fixed = read(post("Content-Length: 5\r\n", "hello"), 0);
        assertEquals("POST", fixed.method());
        assertEquals("/2018-06-01/runtime/invocation/r1/response", fixed.path());
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), fixed.body());
        ApiRequest chunked = read(post("Transfer-Encoding: Chunked\r\n",
                "3\r\nhel\r\n2;x=y\r\nlo\r\n0\r\nT: 1\r\n\r\n"), 0);
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), chunked.body());
        assertFalse(chunked.close());
        assertNull(read("", 0), "the connection closed between requests");
    }

    @Test
    void aBodyOverTheLimitIsDroppedEitherWay() throws IOException {
        ApiRequest fixed = read(post("Content-Length: 6\r\n", "123456"), 5);
        assertTrue(fixed.tooLarge());
        assertEquals(0, fixed.body().length);
        ApiRequest chunked = read(post("Transfer-Encoding: chunked\r\n", "3\r\n123\r\n3\r\n456\r\n0\r\n\r\n"), 5);
        assertTrue(chunked.tooLarge());
    }

    @Test
    void continueIsSentOnlyForABodyThatFits() throws IOException {
        ApiRequest fits = read(post("Expect: 100-continue\r\nContent-Length: 2\r\n", "ok"), 5);
        assertEquals("HTTP/1.1 100 Continue\r\n\r\n", interim.toString(StandardCharsets.ISO_8859_1));
        assertFalse(fits.tooLarge());
        interim.reset();
        ApiRequest over = read(post("Expect: 100-continue\r\nContent-Length: 6\r\n", ""), 5);
        assertEquals(0, interim.size(), "refused before the body is sent");
        assertTrue(over.tooLarge());
        assertTrue(over.close(), "its body may still come: the connection closes after the answer");
    }

    @Test
    void ambiguousFramingIsRefused() {
        for (String headers : new String[] {"Content-Length: 5\r\nContent-Length: 6\r\n",
                "Transfer-Encoding: gzip, chunked\r\n", "Transfer-Encoding: identity\r\n",
                "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "Content-Length: -1\r\n",
                "Content-Length: 1e3\r\n"}) {
            assertThrows(ApiRequest.Malformed.class, () -> read(post(headers, "hello"), 0), headers);
        }
    }

    @Test
    void aRepeatedEqualContentLengthIsOneLength() throws IOException {
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII),
                read(post("Content-Length: 5\r\nContent-Length: 5\r\n", "hello"), 0).body());
    }
}
