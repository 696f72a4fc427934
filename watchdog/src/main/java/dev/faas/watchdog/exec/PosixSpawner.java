package dev.faas.watchdog.exec;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts processes with glibc's posix_spawn, which the JDK's Process cannot be made to do cheaply: its child, between
 * vfork and exec, opens /proc/self/fd and closes every descriptor listed there, and as /proc/self is a new pid each
 * time the kernel builds a dentry and an inode for each of the JVM's descriptors on every call (measured: 22 % of
 * the request threads' CPU, ~240 us a call at 16 connections). Here every pipe is O_CLOEXEC and the child closes
 * the rest with one close_range (posix_spawn_file_actions_addclosefrom_np, glibc 2.34+); the request thread reaps its
 * own child (no reaper thread to hand the exit to).
 * <p>
 * The environment is the watchdog's own, as raw bytes from /proc/self/environ, plus the request's entries: those
 * whose characters all fit in ISO-8859-1 (header values, which the HTTP server decodes that way) are passed as those
 * bytes, so a header's bytes reach the function unchanged; others as UTF-8.
 */
public final class PosixSpawner implements Spawner {
    private static final ThreadLocal<Memory[]> SPAWN_STRUCTS =
            ThreadLocal.withInitial(() -> new Memory[] {new Memory(Posix.FILE_ACTIONS_SIZE), new Memory(Posix.ATTR_SIZE)});

    /** The watchdog's environment: name → "name=value" as the bytes it was given. */
    private final Map<String, byte[]> inherited;
    private final Memory noSignalsBlocked = new Memory(Posix.SIGSET_SIZE);
    private final Memory defaultSignals = new Memory(Posix.SIGSET_SIZE);

    private PosixSpawner(Map<String, byte[]> inherited) {
        this.inherited = inherited;
        Posix.sigemptyset(noSignalsBlocked);
        // A signal the watchdog ignores (a background job's SIGINT and SIGQUIT) would stay ignored across exec.
        Posix.sigfillset(defaultSignals);
        Posix.sigdelset(defaultSignals, Posix.SIGKILL);
        Posix.sigdelset(defaultSignals, Posix.SIGSTOP);
    }

    /**
     * @throws UnsupportedOperationException with the reason, when this platform cannot run it (not Linux, JNA's
     *                                       native part not loadable, a C library without addclosefrom_np)
     */
    public static PosixSpawner load() {
        if (!Platform.isLinux() || !(Platform.isIntel() || Platform.isARM()) || !Platform.is64Bit()) {
            throw new UnsupportedOperationException("posix_spawn is used on 64-bit Linux only, this is "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        }
        try {
            Posix.sigemptyset(new Memory(Posix.SIGSET_SIZE)); // binds every call, or fails naming the missing one
        } catch (LinkageError e) {
            throw new UnsupportedOperationException("the C library or JNA lacks a call (glibc 2.34+ is needed): "
                    + e.getMessage());
        }
        return new PosixSpawner(ownEnvironment());
    }

    @Override
    public String name() {
        return "posix";
    }

    @Override
    public Process start(List<String> argv, Map<String, String> env, boolean combineOutput) throws IOException {
        List<byte[]> args = new ArrayList<>(argv.size());
        for (String arg : argv) {
            if (arg.indexOf('\0') >= 0) {
                throw new IOException("invalid null character in command");
            }
            args.add(bytes(arg));
        }
        List<byte[]> entries = new ArrayList<>(inherited.size() + env.size());
        for (Map.Entry<String, byte[]> own : inherited.entrySet()) {
            if (!env.containsKey(own.getKey())) {
                entries.add(own.getValue());
            }
        }
        for (Map.Entry<String, String> entry : env.entrySet()) {
            String name = entry.getKey();
            String value = entry.getValue();
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("invalid environment variable: " + name);
            }
            entries.add(bytes(name + "=" + value));
        }
        int[] stdin = pipe();
        int[] stdout;
        try {
            stdout = pipe();
        } catch (IOException e) {
            closeQuietly(stdin[0]);
            closeQuietly(stdin[1]);
            throw e;
        }
        boolean started = false;
        try (Memory block = strings(args, entries)) {
            int pid = spawn(block, args.size(), entries.size(), stdin[0], stdout[1], combineOutput, argv.get(0));
            started = true;
            return new PosixProcess(pid, FdStreams.output(stdin[1]), FdStreams.input(stdout[0]));
        } finally {
            closeQuietly(stdin[0]); // the child's ends, which it has as 0 and 1 now
            closeQuietly(stdout[1]);
            if (!started) {
                closeQuietly(stdin[1]);
                closeQuietly(stdout[0]);
            }
        }
    }

    private int spawn(Memory block, int argc, int envc, int stdin, int stdout, boolean combineOutput, String program)
            throws IOException {
        Memory[] structs = SPAWN_STRUCTS.get();
        Memory actions = structs[0];
        Memory attr = structs[1];
        check(Posix.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
        try {
            check(Posix.posix_spawnattr_init(attr), "posix_spawnattr_init");
            try {
                check(Posix.posix_spawn_file_actions_adddup2(actions, stdin, 0), "adddup2");
                check(Posix.posix_spawn_file_actions_adddup2(actions, stdout, 1), "adddup2");
                if (combineOutput) {
                    check(Posix.posix_spawn_file_actions_adddup2(actions, stdout, 2), "adddup2");
                }
                check(Posix.posix_spawn_file_actions_addclosefrom_np(actions, 3), "addclosefrom_np");
                check(Posix.posix_spawnattr_setflags(attr,
                        (short) (Posix.POSIX_SPAWN_SETSIGMASK | Posix.POSIX_SPAWN_SETSIGDEF)), "setflags");
                check(Posix.posix_spawnattr_setsigmask(attr, noSignalsBlocked), "setsigmask");
                check(Posix.posix_spawnattr_setsigdefault(attr, defaultSignals), "setsigdefault");
                int[] pid = new int[1];
                Pointer argvArray = block;
                Pointer envArray = block.share((long) (argc + 1) * Native.POINTER_SIZE);
                int error = Posix.posix_spawn(pid, block.getPointer(0), actions, attr, argvArray, envArray);
                if (error != 0) {
                    throw new IOException("Cannot run program \"" + program + "\": error=" + error + ", "
                            + Posix.strerror(error));
                }
                return pid[0];
            } finally {
                Posix.posix_spawnattr_destroy(attr);
            }
        } finally {
            Posix.posix_spawn_file_actions_destroy(actions);
        }
    }

    /** argv's pointers, NULL, envp's pointers, NULL, then the strings they point at, NUL-terminated: one allocation. */
    private static Memory strings(List<byte[]> args, List<byte[]> entries) {
        long pointers = (long) (args.size() + 1 + entries.size() + 1) * Native.POINTER_SIZE;
        long size = pointers;
        for (byte[] b : args) {
            size += b.length + 1;
        }
        for (byte[] b : entries) {
            size += b.length + 1;
        }
        Memory block = new Memory(size);
        long slot = 0;
        long at = pointers;
        for (List<byte[]> list : List.of(args, entries)) {
            for (byte[] b : list) {
                block.write(at, b, 0, b.length);
                block.setByte(at + b.length, (byte) 0);
                block.setPointer(slot, block.share(at));
                slot += Native.POINTER_SIZE;
                at += b.length + 1;
            }
            block.setPointer(slot, null);
            slot += Native.POINTER_SIZE;
        }
        return block;
    }

    private static int[] pipe() throws IOException {
        int[] fds = new int[2];
        try {
            Posix.pipe2(fds, Posix.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("cannot make a pipe: " + Posix.strerror(e.getErrorCode()));
        }
        return fds;
    }

    private static void check(int result, String call) throws IOException {
        if (result != 0) {
            throw new IOException(call + " failed: " + Posix.strerror(result));
        }
    }

    static void closeQuietly(int fd) {
        try {
            Posix.close(fd);
        } catch (LastErrorException e) {
            // EBADF cannot happen here; EINTR still closed it on Linux
        }
    }

    private static byte[] bytes(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xFF) {
                return s.getBytes(StandardCharsets.UTF_8);
            }
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The environment this process was started with, byte for byte; System.getenv() where /proc cannot be read. */
    private static Map<String, byte[]> ownEnvironment() {
        Map<String, byte[]> env = new LinkedHashMap<>();
        byte[] raw;
        try {
            raw = Files.readAllBytes(Path.of("/proc/self/environ"));
        } catch (IOException e) {
            System.getenv().forEach((k, v) -> env.put(k, bytes(k + "=" + v)));
            return env;
        }
        for (int start = 0, i = 0; i <= raw.length; i++) {
            if (i == raw.length || raw[i] == 0) {
                int eq = start;
                while (eq < i && raw[eq] != '=') {
                    eq++;
                }
                if (eq > start && eq < i) {
                    byte[] entry = Arrays.copyOfRange(raw, start, i);
                    env.put(new String(raw, start, eq - start, StandardCharsets.ISO_8859_1), entry);
                }
                start = i + 1;
            }
        }
        return env;
    }
}
