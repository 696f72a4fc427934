package dev.faas.watchdog.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Reads one runtime process's output (stdout and stderr merged, as Lambda logs both) and passes it on line by line:
 * to the function's log, and to the current invocation's tail when its caller asked for one.
 * <p>
 * A runtime prints, then posts its answer; when the post arrives its last lines may still sit in the pipe. So the
 * thread that ends an invocation calls {@link #settle}: this reader confirms that, at a moment after the request,
 * the pipe was empty and everything before was passed on. It can only confirm that if it is not blocked in read(2),
 * so it never is: it reads only what {@code available()} reports (FIONREAD on the pipe) and otherwise waits on this
 * object, woken by a settle request, the process's exit, or after a wait that grows from 1 ms to 50 ms while an
 * invocation runs and to 1 s while none does. (Asking {@code available()} from another thread would not do: the
 * JDK's process stream is synchronized and held by a reader blocked in read.)
 * <p>
 * The monitor is never held while a line is written: a log driver that blocks stdout blocks this reader, but not a
 * settle (it gives up after its timeout) nor the hand-over of an invocation's tail.
 */
final class RuntimeOutput implements Runnable {
    /** Lambda cuts longer lines into several events too. */
    private static final int MAX_LINE = 256 * 1024;
    private static final long FIRST_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** The longest wait between looks at a quiet pipe while an invocation runs: its lines reach the log this soon. */
    private static final long BUSY_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** The same while none runs: one wake-up a second per idle runtime. */
    private static final long IDLE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final InputStream in;
    private final FunctionLog log;
    // The reader thread's own:
    private byte[] partial = new byte[1024];
    private int partialLength;

    // Handed over by the invocation's threads, read by the reader line by line, without a lock:
    private volatile TailBuffer capture;
    private volatile boolean invoking;

    // Under this object's monitor:
    private long settleRequested;
    private long settled;
    private boolean exited;
    private boolean ended;

    RuntimeOutput(InputStream in, FunctionLog log) {
        this.in = in;
        this.log = log;
    }

    /** An invocation runs: lines read from now on also go to {@code tail} (null: to the log only). */
    void begin(TailBuffer tail) {
        capture = tail;
        invoking = true;
    }

    /** The invocation ended: lines go to the log only. */
    void end() {
        capture = null;
        invoking = false;
    }

    /**
     * Waits until every byte the runtime wrote before this call is passed on, at most {@code timeoutNanos}.
     *
     * @return false when the reader did not confirm in time (a machine too loaded to run it, a blocked stdout)
     */
    synchronized boolean settle(long timeoutNanos) throws InterruptedException {
        long mine = ++settleRequested;
        notifyAll();
        long deadline = System.nanoTime() + timeoutNanos;
        while (settled < mine && !ended) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** The process exited: read what is left, then stop. */
    synchronized void processExited() {
        exited = true;
        notifyAll();
    }

    @Override
    public void run() {
        byte[] buf = new byte[16 * 1024];
        long wait = FIRST_WAIT_NANOS;
        try {
            while (true) {
                long request;
                boolean exit;
                synchronized (this) {
                    request = settleRequested;
                    exit = exited;
                }
                int available = in.available();
                if (available > 0) {
                    int n = in.read(buf, 0, Math.min(available, buf.length));
                    if (n < 0) {
                        return;
                    }
                    pass(buf, n);
                    wait = FIRST_WAIT_NANOS;
                    continue;
                }
                if (exit) {
                    return; // exited, and the pipe (or what the JDK drained of it at the exit) is empty
                }
                if (confirmPending(request)) {
                    // Empty after the request was made, everything read before passed on: a line without its newline
                    // yet ends with the invocation. Lines are likely to follow (the next invocation): look again soon.
                    flushPartial();
                    confirm(request);
                    wait = FIRST_WAIT_NANOS;
                    continue;
                }
                synchronized (this) {
                    if (settleRequested == request && !exited) {
                        TimeUnit.NANOSECONDS.timedWait(this, wait);
                    }
                }
                wait = Math.min(invoking ? BUSY_WAIT_NANOS : IDLE_WAIT_NANOS, wait * 2);
            }
        } catch (IOException e) {
            // the stream was closed: the process is gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            flushPartial();
            synchronized (this) {
                ended = true;
                notifyAll();
            }
            try {
                in.close();
            } catch (IOException ignored) {
                // nothing left to read anyway
            }
        }
    }

    private synchronized boolean confirmPending(long request) {
        return settled < request;
    }

    private synchronized void confirm(long request) {
        settled = request;
        notifyAll();
    }

    /** Splits a chunk into lines; the rest waits for its newline. */
    private void pass(byte[] buf, int n) {
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (buf[i] != '\n') {
                continue;
            }
            if (partialLength == 0) {
                log.line(buf, start, i - start, capture);
            } else {
                keep(buf, start, i - start);
                flushPartial();
            }
            start = i + 1;
        }
        keep(buf, start, n - start);
    }

    private void keep(byte[] buf, int off, int len) {
        while (len > 0) {
            if (partialLength + len > partial.length && partial.length < MAX_LINE) {
                partial = Arrays.copyOf(partial, Math.min(MAX_LINE, Math.max(partial.length * 2, partialLength + len)));
            }
            int take = Math.min(partial.length - partialLength, len);
            System.arraycopy(buf, off, partial, partialLength, take);
            partialLength += take;
            off += take;
            len -= take;
            if (partialLength == MAX_LINE) {
                flushPartial();
            }
        }
    }

    private void flushPartial() {
        if (partialLength > 0) {
            log.line(partial, 0, partialLength, capture);
            partialLength = 0;
        }
    }
}
