package dev.faas.watchdog.exec;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * A process {@link PosixSpawner} started. Whoever waits for it reaps it (the request thread, in fork mode): it waits
 * for the exit without reaping, then reaps under the lock that signals are sent under, so a signal never reaches a
 * pid that was reaped and reused.
 */
final class PosixProcess extends Process {
    private static final ThreadLocal<Memory> SIGINFO = ThreadLocal.withInitial(() -> new Memory(Posix.SIGINFO_SIZE));

    private final int pid;
    private final OutputStream stdin;
    private final InputStream stdout;
    private final Object lock = new Object();
    private boolean reaped;
    private int status;

    PosixProcess(int pid, OutputStream stdin, InputStream stdout) {
        this.pid = pid;
        this.stdin = stdin;
        this.stdout = stdout;
    }

    @Override
    public OutputStream getOutputStream() {
        return stdin;
    }

    @Override
    public InputStream getInputStream() {
        return stdout;
    }

    /** stderr is inherited or merged into stdout: there is nothing to read here, as with a redirected JDK process. */
    @Override
    public InputStream getErrorStream() {
        return InputStream.nullInputStream();
    }

    /** Not interruptible: the wait is in the kernel. Fork mode kills the tree to end it early. */
    @Override
    public int waitFor() {
        while (true) {
            synchronized (lock) {
                if (reaped) {
                    return status;
                }
            }
            if (exited(0)) {
                return reap();
            }
        }
    }

    @Override
    public int exitValue() {
        synchronized (lock) {
            if (reaped) {
                return status;
            }
        }
        if (exited(Posix.WNOHANG)) {
            return reap();
        }
        throw new IllegalThreadStateException("process " + pid + " has not exited");
    }

    @Override
    public boolean isAlive() {
        synchronized (lock) {
            if (reaped) {
                return false;
            }
        }
        return !exited(Posix.WNOHANG);
    }

    @Override
    public void destroy() {
        signal(Posix.SIGTERM);
    }

    @Override
    public Process destroyForcibly() {
        signal(Posix.SIGKILL);
        return this;
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public ProcessHandle toHandle() {
        return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("process " + pid + " is gone"));
    }

    /** None once reaped: the pid may be another process's by then. */
    @Override
    public Stream<ProcessHandle> descendants() {
        synchronized (lock) {
            if (reaped) {
                return Stream.empty();
            }
        }
        return ProcessHandle.of(pid).map(ProcessHandle::descendants).orElseGet(Stream::empty);
    }

    /** The JDK's handle waits without reaping (waitid WNOWAIT) for a child of the JVM; the reaping stays here. */
    @Override
    public CompletableFuture<Process> onExit() {
        return ProcessHandle.of(pid)
                .map(handle -> handle.onExit().thenApply(h -> (Process) this))
                .orElseGet(() -> CompletableFuture.completedFuture(this));
    }

    @Override
    public String toString() {
        return "Process[pid=" + pid + "]";
    }

    private void signal(int signal) {
        synchronized (lock) {
            if (!reaped) {
                try {
                    Posix.kill(pid, signal);
                } catch (LastErrorException e) {
                    // ESRCH: it is a zombie already
                }
            }
        }
    }

    /** Whether it has exited, leaving it to be reaped; {@code WNOHANG} asks without waiting. */
    private boolean exited(int flags) {
        Memory info = SIGINFO.get();
        info.setInt(Posix.SIGINFO_PID, 0);
        try {
            Posix.waitid(Posix.P_PID, pid, info, Posix.WEXITED | Posix.WNOWAIT | flags);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Posix.EINTR) {
                return false;
            }
            return true; // ECHILD: reaped already, by reap() in another thread
        }
        return info.getInt(Posix.SIGINFO_PID) != 0;
    }

    private int reap() {
        synchronized (lock) {
            if (!reaped) {
                int[] raw = new int[1];
                while (true) {
                    try {
                        Posix.waitpid(pid, raw, 0);
                        status = decode(raw[0]);
                        break;
                    } catch (LastErrorException e) {
                        if (e.getErrorCode() != Posix.EINTR) {
                            status = -1; // not ours to reap any more: nothing is known of how it ended
                            break;
                        }
                    }
                }
                reaped = true;
            }
            return status;
        }
    }

    /** As the JDK reports it: the exit code, or 128 + the signal that ended it. */
    static int decode(int raw) {
        int signal = raw & 0x7f;
        return signal == 0 ? (raw >> 8) & 0xff : 0x80 + signal;
    }
}
