package dev.faas.gateway.provider.nats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.gateway.queue.Answer;
import dev.faas.gateway.queue.CallbackRequest;
import dev.faas.gateway.queue.Header;
import dev.faas.gateway.queue.QueuedCall;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FramesTest {
    /** Header values as Undertow reads them (ISO-8859-1: any byte is one char), quotes, escapes and repeats. */
    private static final List<Header> HEADERS = List.of(
            new Header("Content-Type", "application/octet-stream"),
            new Header("X-Odd", "caf\u00e9 \"quoted\" back\\slash\ttab \u00ff\u0001 {\"json\":1}"),
            new Header("X-Repeat", "one"),
            new Header("x-repeat", "two"),
            new Header("X-Empty", ""));

    private static byte[] everyByte() {
        byte[] b = new byte[512];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    private static QueuedCall call(String callbackUrl) {
        return new QueuedCall("c-42", "my.fn", "PUT", "/sub/path%2F", "a=1&b=%20", HEADERS, callbackUrl,
                Instant.ofEpochMilli(1_714_564_800_123L), new byte[] {9, 9});
    }

    private static void assertSameCall(QueuedCall expected, QueuedCall actual) {
        assertEquals(expected.id(), actual.id());
        assertEquals(expected.function(), actual.function());
        assertEquals(expected.method(), actual.method());
        assertEquals(expected.path(), actual.path());
        assertEquals(expected.query(), actual.query());
        assertEquals(expected.headers(), actual.headers());
        assertEquals(expected.callbackUrl(), actual.callbackUrl());
        assertEquals(expected.acceptedAt(), actual.acceptedAt());
    }

    @Test
    void aCallRoundTripsWithItsHeadersAndBinaryBodyByteForByte() throws IOException {
        QueuedCall c = call("https://hooks.example.com/cb?x=\u00e9");
        byte[] body = everyByte();
        byte[] data = Frames.call(c, body, null, body.length);

        Frames.CallMeta meta = Frames.callMeta(data);
        assertEquals(1, meta.v());
        assertNull(meta.bodyObject());
        assertEquals(body.length, meta.bodySize());
        byte[] read = Frames.body(data);
        assertArrayEquals(body, read);

        QueuedCall back = Frames.toCall(meta, read);
        assertSameCall(c, back);
        assertArrayEquals(body, back.body(), "the body given, not the call's own body field");
    }

    @Test
    void aCallWithoutCallbackOrBodyRoundTrips() throws IOException {
        QueuedCall c = new QueuedCall("c-1", "echo", "GET", "", "", List.of(), null, Instant.ofEpochMilli(0),
                new byte[0]);
        byte[] data = Frames.call(c, new byte[0], null, 0);
        QueuedCall back = Frames.toCall(Frames.callMeta(data), Frames.body(data));
        assertSameCall(c, back);
        assertNull(back.callbackUrl());
        assertEquals(0, back.body().length);
    }

    @Test
    void aBodyInTheObjectStoreIsNamedAndNothingFollowsTheDescription() throws IOException {
        QueuedCall c = call(null);
        byte[] data = Frames.call(c, new byte[0], NatsNames.callBody(c.function(), c.id()), 20L << 20);
        Frames.CallMeta meta = Frames.callMeta(data);
        assertEquals("my.fn/c-42.call", meta.bodyObject());
        assertEquals(20L << 20, meta.bodySize());
        assertEquals(0, Frames.body(data).length);
        assertSameCall(c, Frames.toCall(meta, new byte[0]));
    }

    @Test
    void aCallbackRoundTripsWithTheFunctionsAnswer() throws IOException {
        byte[] body = everyByte();
        CallbackRequest cb = new CallbackRequest("c-42", "my.fn", "https://hooks.example.com/cb",
                new Answer(503, HEADERS, body, 1.25), 5);
        byte[] data = Frames.callback(cb, body, null);
        Frames.CallbackMeta meta = Frames.callbackMeta(data);
        CallbackRequest back = Frames.toCallback(meta, Frames.body(data));
        assertEquals(cb.callId(), back.callId());
        assertEquals(cb.function(), back.function());
        assertEquals(cb.url(), back.url());
        assertEquals(5, back.attempts());
        assertEquals(503, back.answer().status());
        assertEquals(HEADERS, back.answer().headers());
        assertEquals(1.25, back.answer().seconds());
        assertArrayEquals(body, back.answer().body());
    }

    @Test
    void aCallbackWhoseAnswerIsInTheObjectStoreKeepsTheAnswersSize() throws IOException {
        CallbackRequest cb = new CallbackRequest("c-42", "echo", "https://h.example/", new Answer(200, List.of(),
                new byte[3000], 0.5), 1);
        byte[] data = Frames.callback(cb, new byte[0], NatsNames.callback("f", "c-42") + ".answer");
        Frames.CallbackMeta meta = Frames.callbackMeta(data);
        assertEquals("f/c-42.callback.answer", meta.bodyObject());
        assertEquals(3000, meta.bodySize());
        assertEquals(0, Frames.body(data).length);
    }

    @Test
    void aFrameTooShortToHoldALengthIsRefused() {
        for (byte[] data : new byte[][] {new byte[0], new byte[] {0, 0, 0}}) {
            IOException e = assertThrows(IOException.class, () -> Frames.callMeta(data));
            assertTrue(e.getMessage().contains("too short"), e.getMessage());
            assertThrows(IOException.class, () -> Frames.body(data));
            assertThrows(IOException.class, () -> Frames.callbackMeta(data));
        }
    }

    @Test
    void aFrameWhoseLengthDoesNotFitItsDataIsRefused() {
        byte[] json = "{\"v\":1}".getBytes(StandardCharsets.UTF_8);
        for (int length : new int[] {json.length + 1, 1_000_000, 0, 1, -1, Integer.MIN_VALUE}) {
            byte[] data = ByteBuffer.allocate(4 + json.length).putInt(length).put(json).array();
            assertThrows(IOException.class, () -> Frames.callMeta(data), "length " + length);
            assertThrows(IOException.class, () -> Frames.body(data), "length " + length);
            assertThrows(IOException.class, () -> Frames.callbackMeta(data), "length " + length);
        }
    }

    @Test
    void aFrameWhoseDescriptionIsNotJsonIsRefused() {
        byte[] junk = "not json at all".getBytes(StandardCharsets.UTF_8);
        byte[] data = ByteBuffer.allocate(4 + junk.length).putInt(junk.length).put(junk).array();
        assertThrows(IOException.class, () -> Frames.callMeta(data));
        assertThrows(IOException.class, () -> Frames.callbackMeta(data));
    }

    @Test
    void aTruncatedFrameIsRefused() throws IOException {
        byte[] data = Frames.call(call(null), everyByte(), null, 512);
        int metaLength = ByteBuffer.wrap(data, 0, 4).getInt();
        byte[] cut = java.util.Arrays.copyOf(data, 4 + metaLength - 1);
        assertThrows(IOException.class, () -> Frames.callMeta(cut));
        assertThrows(IOException.class, () -> Frames.body(cut));
    }
}
