package dev.faas.gateway.proxy;

import io.undertow.conduits.ChunkedStreamSourceConduit;
import io.undertow.conduits.ReadDataStreamSourceConduit;
import io.undertow.server.AbstractServerConnection;
import io.undertow.server.Connectors;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitReadableByteChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSourceConduit;
import org.xnio.channels.StreamSinkChannel;

/**
 * Chunked framing read strictly (RFC 9112 §7.1): a chunk size is 1*HEXDIG, then optional blanks and a
 * {@code ;}-extension, then CRLF; a chunk's data ends with exactly CRLF. Undertow's own decoder is lenient: a size
 * line that does not start with a hex digit is the last chunk to it ({@code +2}, {@code zz}, {@code -0}), so the
 * body "ended" there and what followed was read as trailers or as the next request; and it skips anything between
 * a chunk's data and the next LF. Such a body is refused here with 400.
 * <p>
 * The check sits under Undertow's decoder, on the raw bytes: {@link #install} replaces the decoder Undertow set up
 * for this request (nothing has read from it yet) by a new one reading through {@link Checked}. Only the size lines
 * and line ends are looked at; chunk data is skipped over. Trailers stay Undertow's (it refuses malformed ones).
 */
public final class StrictChunks {
    private static final AttachmentKey<String> MALFORMED = AttachmentKey.create(String.class);

    private StrictChunks() {}

    /** For a request with {@code Transfer-Encoding: chunked}, before anything reads its body. */
    static void install(HttpServerExchange exchange) {
        if (!(exchange.getConnection() instanceof AbstractServerConnection connection)) {
            return;
        }
        ConduitStreamSourceChannel source = connection.getChannel().getSourceChannel();
        if (!(source.getConduit() instanceof ChunkedStreamSourceConduit)) {
            return;
        }
        // Below the decoder, as Undertow sets it up: the bytes read with the head first, then the socket.
        StreamSourceConduit raw = new ReadDataStreamSourceConduit(connection.getOriginalSourceConduit(), connection);
        source.setConduit(new ChunkedStreamSourceConduit(new Checked(raw, exchange, connection), exchange, decoder -> {
            if (!decoder.isFinished()) {
                exchange.setPersistent(false); // the rest of the body is still on the connection
            }
            Connectors.terminateRequest(exchange);
        }));
    }

    /** A reader that sees no mark: the Alexa route's is stopped (it answers 400), any other's connection closed. */
    private static void stop(HttpServerExchange exchange) {
        if (!BodyDeadline.stopReader(exchange) && !exchange.isResponseStarted()) {
            org.xnio.IoUtils.safeClose(exchange.getConnection());
        }
    }

    /** What was wrong with this exchange's chunked body, one short phrase; null when nothing was. */
    public static String malformed(HttpServerExchange exchange) {
        return exchange.getAttachment(MALFORMED);
    }

    /** The 400 for a malformed chunked body, after which the connection closes (where the body ends is unknown). */
    public static String answer(String problem) {
        return "malformed chunked body: " + problem + " (a chunk size is hex digits, each line ends with CRLF)";
    }

    /**
     * Follows the chunk framing of the raw bytes as Undertow's decoder reads them. The bytes before a framing error
     * are handed on; after it nothing more is (what arrives is dropped) and the body is marked malformed. It does
     * not fail the read: Undertow's decoder closes the connection on any error from below, and the 400 would be
     * lost. Who reads the body answers instead: {@link RequestBuffer} sees the mark; a body streaming to a function
     * has its upstream request reset ({@link UpstreamAbort}) and the call answers 400; the Alexa route's reader is
     * stopped ({@link BodyDeadline#stopReader}); any other reader (/system) has its connection closed.
     * <p>
     * The decoder pushes the raw bytes it read but did not use back into the connection, in front of its other
     * unread bytes, and reads them again: those are counted ({@code seenAgain}) and not followed twice.
     */
    private static final class Checked extends AbstractStreamSourceConduit<StreamSourceConduit> {
        private static final int SIZE_FIRST = 0, SIZE = 1, BLANKS = 2, EXTENSION = 3, SIZE_LF = 4, DATA = 5,
                DATA_CR = 6, DATA_LF = 7, DONE = 8;
        private final HttpServerExchange exchange;
        private final AbstractServerConnection connection;
        /** Bytes at the front of the connection's unread bytes that were followed already (pushed back). */
        private long seenAgain;
        /** The connection's unread bytes after this conduit's last read. */
        private long unreadAfter;
        private int state = SIZE_FIRST;
        private long size;
        private String problem;
        private ByteBuffer dropped;

        Checked(StreamSourceConduit next, HttpServerExchange exchange, AbstractServerConnection connection) {
            super(next);
            this.exchange = exchange;
            this.connection = connection;
            this.unreadAfter = unread();
        }

        private long unread() {
            var extra = connection.getExtraBytes();
            return extra == null ? 0 : extra.getBuffer().remaining();
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (problem != null) {
                return drop();
            }
            long unread = unread();
            seenAgain += Math.max(0, unread - unreadAfter);
            int start = dst.position();
            int n = next.read(dst);
            unreadAfter = unread();
            if (n <= 0 || state == DONE) {
                return n;
            }
            int again = (int) Math.min(n, seenAgain);
            seenAgain -= again;
            int bad = scan(dst, start + again, start + n);
            if (bad < 0) {
                return n;
            }
            dst.position(bad); // hand on only what came before the error
            return bad > start ? bad - start : drop();
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            for (int i = offset; i < offset + length; i++) {
                if (dsts[i].hasRemaining()) {
                    return read(dsts[i]);
                }
            }
            return 0;
        }

        @Override
        public long transferTo(long position, long count, FileChannel target) throws IOException {
            return target.transferFrom(new ConduitReadableByteChannel(this), position, count);
        }

        @Override
        public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
            return Conduits.transfer(this, count, throughBuffer, target);
        }

        /** Marks the body (the first time), then reads and drops what is there: 0, or -1 at the connection's end. */
        private int drop() throws IOException {
            if (dropped == null) {
                dropped = ByteBuffer.allocate(4096);
                exchange.putAttachment(MALFORMED, problem);
                exchange.setPersistent(false);
                if (!UpstreamAbort.trigger(exchange)) {
                    exchange.getIoThread().execute(() -> stop(exchange));
                }
            }
            while (true) {
                dropped.clear();
                int n = next.read(dropped);
                if (n <= 0) {
                    return n;
                }
            }
        }

        /** Moves through {@code b[from, to)}; the index of the first byte that breaks the framing, or -1. */
        private int scan(ByteBuffer b, int from, int to) {
            for (int i = from; i < to && state != DONE; i++) {
                if (state == DATA) {
                    long skip = Math.min(size, to - i);
                    size -= skip;
                    i += (int) skip - 1;
                    if (size == 0) {
                        state = DATA_CR;
                    }
                    continue;
                }
                byte c = b.get(i);
                String wrong = step(c);
                if (wrong != null) {
                    problem = wrong;
                    return i;
                }
            }
            return -1;
        }

        /** One byte of a size line or line end; what is wrong with it, or null. */
        private String step(byte c) {
            int digit = Character.digit(c, 16);
            switch (state) {
                case SIZE_FIRST, SIZE -> {
                    if (digit >= 0 && c < 0x80) {
                        if (size > (Long.MAX_VALUE >> 4)) {
                            return "a chunk size is too large";
                        }
                        size = size << 4 | digit;
                        state = SIZE;
                    } else if (state == SIZE_FIRST) {
                        return "a chunk size does not start with a hex digit";
                    } else if (c == ' ' || c == '\t') {
                        state = BLANKS;
                    } else if (c == ';') {
                        state = EXTENSION;
                    } else if (c == '\r') {
                        state = SIZE_LF;
                    } else {
                        return "a chunk size is followed by something else than ';' or CRLF";
                    }
                }
                case BLANKS -> {
                    if (c == ';') {
                        state = EXTENSION;
                    } else if (c == '\r') {
                        state = SIZE_LF;
                    } else if (c != ' ' && c != '\t') {
                        return "a chunk size is followed by something else than ';' or CRLF";
                    }
                }
                case EXTENSION -> {
                    if (c == '\r') {
                        state = SIZE_LF;
                    } else if (c == '\n' || c == 0) {
                        return "a chunk extension holds a bare LF or NUL";
                    }
                }
                case SIZE_LF -> {
                    if (c != '\n') {
                        return "a chunk size line ends with a bare CR";
                    }
                    state = size == 0 ? DONE : DATA;
                }
                case DATA_CR -> {
                    if (c != '\r') {
                        return "a chunk is longer than its size";
                    }
                    state = DATA_LF;
                }
                case DATA_LF -> {
                    if (c != '\n') {
                        return "a chunk's data ends with a bare CR";
                    }
                    state = SIZE_FIRST;
                }
                default -> throw new IllegalStateException("state " + state);
            }
            return null;
        }
    }
}
