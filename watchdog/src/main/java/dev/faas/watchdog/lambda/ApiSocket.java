package dev.faas.watchdog.lambda;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One connection of a runtime to the Runtime API: blocking streams over a socket channel, and the one check a
 * blocking socket cannot make, {@link #closedByPeer}. A thread waiting in next does not read its socket, so it would
 * never see the runtime give up a long poll; the check, made before an invocation is sent, keeps that invocation from
 * going to a socket nobody reads (the first write to a closed peer succeeds).
 * <p>
 * Reads and writes go to the channel at most 64 KB at a time: the JDK copies a heap buffer through a temporary
 * direct buffer as large as the operation and caches it per thread, and a 6 MB event must not leave 6 MB of native
 * memory behind each connection thread.
 */
final class ApiSocket implements Closeable {
    private static final int BUFFER = 16 * 1024;
    private static final int SLICE = 64 * 1024;

    private final SocketChannel channel;
    private final Raw raw = new Raw();
    final BufferedInputStream in = new BufferedInputStream(raw, BUFFER);
    final OutputStream out;

    ApiSocket(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true); // small answers: no wait behind a delayed ACK
        this.out = new BufferedOutputStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                for (int at = off, end = off + len; at < end; ) {
                    ByteBuffer slice = ByteBuffer.wrap(b, at, Math.min(SLICE, end - at));
                    while (slice.hasRemaining()) {
                        channel.write(slice);
                    }
                    at = slice.position();
                }
            }
        }, BUFFER);
    }

    /**
     * Whether the runtime has closed its end: true when it has, without waiting; a byte it sent meanwhile is kept
     * for the next request.
     */
    boolean closedByPeer() throws IOException {
        if (in.available() > 0) {
            return false;
        }
        ByteBuffer one = ByteBuffer.allocate(1);
        int n;
        channel.configureBlocking(false);
        try {
            n = channel.read(one);
        } finally {
            channel.configureBlocking(true);
        }
        if (n > 0) {
            raw.pushedBack = one.get(0) & 0xff;
        }
        return n < 0;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** The channel as a blocking stream, with room for the byte {@link #closedByPeer} may have read. */
    private final class Raw extends InputStream {
        int pushedBack = -1;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (pushedBack >= 0) {
                b[off] = (byte) pushedBack;
                pushedBack = -1;
                return 1;
            }
            return channel.read(ByteBuffer.wrap(b, off, Math.min(SLICE, len)));
        }

        @Override
        public int available() {
            return pushedBack >= 0 ? 1 : 0;
        }
    }
}
