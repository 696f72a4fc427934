package dev.faas.watchdog.exec;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The C library calls fork mode starts and reaps its processes with, bound once through JNA's direct mapping (a
 * native method per call, no proxy or reflection per call). Linux/glibc values; {@link PosixSpawner#load} checks the
 * platform before anything here is used.
 */
final class Posix {
    static final int O_CLOEXEC = 0x80000;
    static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    static final int P_PID = 1;
    static final int WNOHANG = 1;
    static final int WEXITED = 4;
    static final int WNOWAIT = 0x01000000;
    static final int SIGKILL = 9;
    static final int SIGTERM = 15;
    static final int SIGSTOP = 19;
    static final int EINTR = 4;
    static final int ESRCH = 3;
    /** glibc x86_64/aarch64 sizes, rounded up: posix_spawn_file_actions_t 80, posix_spawnattr_t 336, sigset_t 128. */
    static final int FILE_ACTIONS_SIZE = 128;
    static final int ATTR_SIZE = 512;
    static final int SIGSET_SIZE = 128;
    /** siginfo_t: 128 bytes; si_pid is at byte 16 (0 while the process has not exited). */
    static final int SIGINFO_SIZE = 128;
    static final int SIGINFO_PID = 16;

    static {
        Native.register(Posix.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private Posix() {}

    static native int pipe2(int[] fds, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    /** Direct buffers only: JNA passes their address, from the start of the buffer. */
    static native long read(int fd, java.nio.ByteBuffer buf, long count) throws LastErrorException;

    static native long write(int fd, java.nio.ByteBuffer buf, long count) throws LastErrorException;

    static native int posix_spawn_file_actions_init(Pointer actions);

    static native int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

    /** glibc 2.34+: closes every descriptor from {@code from} up in the child, with close_range(2). */
    static native int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

    static native int posix_spawn_file_actions_destroy(Pointer actions);

    static native int posix_spawnattr_init(Pointer attr);

    static native int posix_spawnattr_setflags(Pointer attr, short flags);

    static native int posix_spawnattr_setsigmask(Pointer attr, Pointer set);

    static native int posix_spawnattr_setsigdefault(Pointer attr, Pointer set);

    static native int posix_spawnattr_destroy(Pointer attr);

    static native int sigemptyset(Pointer set);

    static native int sigfillset(Pointer set);

    static native int sigdelset(Pointer set, int signal);

    /** @return 0, or the error number (posix_spawn does not set errno) */
    static native int posix_spawn(int[] pid, Pointer path, Pointer actions, Pointer attr, Pointer argv, Pointer envp);

    static native int waitid(int idType, int id, Pointer info, int options) throws LastErrorException;

    static native int waitpid(int pid, int[] status, int options) throws LastErrorException;

    static native int kill(int pid, int signal) throws LastErrorException;

    static native String strerror(int errno);
}
