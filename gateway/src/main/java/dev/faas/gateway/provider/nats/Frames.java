package dev.faas.gateway.provider.nats;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.gateway.queue.Answer;
import dev.faas.gateway.queue.CallbackRequest;
import dev.faas.gateway.queue.Header;
import dev.faas.gateway.queue.QueuedCall;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A stored message: a 4-byte length, that many bytes of JSON describing the call (or callback), then the body, or
 * nothing when the body is in the object store (the JSON names the object). Everything in the message's data, not in
 * NATS headers, so any header value a caller sent is kept byte for byte.
 */
final class Frames {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The call without its body; {@code bodyObject} names the body's object, or is null when the body follows. */
    record CallMeta(int v, String id, String function, String method, String path, String query, List<Header> headers,
                    String callbackUrl, long acceptedAtMillis, String bodyObject, long bodySize) {}

    record CallbackMeta(int v, String callId, String function, String url, int status, List<Header> headers,
                        double seconds, int attempts, String bodyObject, long bodySize) {}

    private Frames() {}

    static byte[] call(QueuedCall c, byte[] body, String bodyObject, long bodySize) throws IOException {
        return frame(JSON.writeValueAsBytes(new CallMeta(1, c.id(), c.function(), c.method(), c.path(), c.query(),
                c.headers(), c.callbackUrl(), c.acceptedAt().toEpochMilli(), bodyObject, bodySize)), body);
    }

    static byte[] callback(CallbackRequest cb, byte[] body, String bodyObject) throws IOException {
        Answer a = cb.answer();
        return frame(JSON.writeValueAsBytes(new CallbackMeta(1, cb.callId(), cb.function(), cb.url(), a.status(),
                a.headers(), a.seconds(), cb.attempts(), bodyObject, a.body().length)), body);
    }

    static CallMeta callMeta(byte[] data) throws IOException {
        CallMeta m = JSON.readValue(data, 4, metaLength(data), CallMeta.class);
        if (m.id() == null || m.function() == null || m.method() == null || m.headers() == null) {
            throw new IOException("a stored call without its id, function, method or headers");
        }
        return m;
    }

    static CallbackMeta callbackMeta(byte[] data) throws IOException {
        CallbackMeta m = JSON.readValue(data, 4, metaLength(data), CallbackMeta.class);
        if (m.callId() == null || m.function() == null || m.url() == null || m.headers() == null) {
            throw new IOException("a stored callback without its call id, function, URL or headers");
        }
        return m;
    }

    /** The body that follows the JSON (empty when it is in the object store). */
    static byte[] body(byte[] data) throws IOException {
        return Arrays.copyOfRange(data, 4 + metaLength(data), data.length);
    }

    static QueuedCall toCall(CallMeta m, byte[] body) {
        return new QueuedCall(m.id(), m.function(), m.method(), m.path(), m.query(), m.headers(), m.callbackUrl(),
                Instant.ofEpochMilli(m.acceptedAtMillis()), body);
    }

    static CallbackRequest toCallback(CallbackMeta m, byte[] body) {
        return new CallbackRequest(m.callId(), m.function(), m.url(),
                new Answer(m.status(), m.headers(), body, m.seconds()), m.attempts());
    }

    private static byte[] frame(byte[] meta, byte[] body) {
        return ByteBuffer.allocate(4 + meta.length + body.length).putInt(meta.length).put(meta).put(body).array();
    }

    private static int metaLength(byte[] data) throws IOException {
        if (data.length < 4) {
            throw new IOException("a stored message of " + data.length + " bytes: too short to be one of ours");
        }
        int n = ByteBuffer.wrap(data, 0, 4).getInt();
        if (n < 2 || n > data.length - 4) {
            throw new IOException("a stored message whose description is " + n + " bytes of " + data.length);
        }
        return n;
    }
}
