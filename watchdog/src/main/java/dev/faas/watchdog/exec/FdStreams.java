package dev.faas.watchdog.exec;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/** A pipe's end as a stream, read and written with read(2)/write(2) through a per-thread direct buffer (no copy of the caller's whole array per call, as JNA would make of a Java array). */
final class FdStreams {
    private static final int BUFFER = 32 * 1024;
    private static final ThreadLocal<ByteBuffer> DIRECT = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER));

    private FdStreams() {}

    static InputStream input(int fd) {
        return new FdInputStream(fd);
    }

    static OutputStream output(int fd) {
        return new FdOutputStream(fd);
    }

    private static IOException failure(LastErrorException e) {
        return new IOException(Posix.strerror(e.getErrorCode()));
    }

    /** One pipe end, closed once whichever of the caller's closes comes first. */
    private static final class Fd {
        final int fd;
        private final AtomicBoolean closed = new AtomicBoolean();

        Fd(int fd) {
            this.fd = fd;
        }

        void checkOpen() throws IOException {
            if (closed.get()) {
                throw new IOException("Stream closed");
            }
        }

        void close() {
            if (closed.compareAndSet(false, true)) {
                PosixSpawner.closeQuietly(fd);
            }
        }
    }

    private static final class FdInputStream extends InputStream {
        private final Fd end;

        FdInputStream(int fd) {
            this.end = new Fd(fd);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            end.checkOpen();
            ByteBuffer direct = DIRECT.get();
            while (true) {
                long n;
                try {
                    n = Posix.read(end.fd, direct, Math.min(len, BUFFER));
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == Posix.EINTR) {
                        continue;
                    }
                    throw failure(e);
                }
                if (n == 0) {
                    return -1;
                }
                direct.get(0, b, off, (int) n);
                return (int) n;
            }
        }

        @Override
        public void close() {
            end.close();
        }
    }

    private static final class FdOutputStream extends OutputStream {
        private final Fd end;

        FdOutputStream(int fd) {
            this.end = new Fd(fd);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            end.checkOpen();
            ByteBuffer direct = DIRECT.get();
            while (len > 0) {
                int chunk = Math.min(len, BUFFER);
                direct.put(0, b, off, chunk);
                int done = 0;
                while (done < chunk) {
                    long n;
                    try {
                        n = Posix.write(end.fd, done == 0 ? direct : direct.slice(done, chunk - done), chunk - done);
                    } catch (LastErrorException e) {
                        if (e.getErrorCode() == Posix.EINTR) {
                            continue;
                        }
                        throw failure(e); // EPIPE: the process exited or closed its stdin
                    }
                    done += (int) n;
                }
                off += chunk;
                len -= chunk;
            }
        }

        @Override
        public void close() {
            end.close();
        }
    }
}
