package dev.faas.cli.build;

import java.net.http.HttpRequest;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.LongConsumer;

/** A request body of known length, handed to the client in chunks, telling how many bytes it has taken so far. */
final class ProgressBody {
    private static final int CHUNK = 64 * 1024;

    private ProgressBody() {
    }

    static HttpRequest.BodyPublisher of(byte[] bytes, LongConsumer sent) {
        Iterable<byte[]> chunks = () -> new Iterator<>() {
            private int offset;

            @Override
            public boolean hasNext() {
                return offset < bytes.length;
            }

            @Override
            public byte[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int n = Math.min(CHUNK, bytes.length - offset);
                byte[] chunk = Arrays.copyOfRange(bytes, offset, offset + n);
                offset += n;
                sent.accept(offset);
                return chunk;
            }
        };
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArrays(chunks), bytes.length);
    }
}
