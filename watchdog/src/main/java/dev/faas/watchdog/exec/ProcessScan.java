package dev.faas.watchdog.exec;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * Finds the live processes whose environment holds a given entry, by reading /proc/&lt;pid&gt;/environ. Every process a
 * request starts inherits its mark, so this finds them all, including those re-parented after their parent exited
 * and those that made their own session or process group.
 * <p>
 * A process in the middle of an exec reads as having no environment at all (its old memory is gone, its new stack
 * not yet laid out), so an empty environ of a live process is reported as undecided, for the caller to look again.
 */
final class ProcessScan {
    /** What one scan saw: the marked processes, and how many live ones could not be read (mid-exec). */
    record Found(List<Long> marked, int undecided) {}

    private static final int UNMARKED = 0;
    private static final int MARKED = 1;
    private static final int UNDECIDED = 2;
    /** PF_KTHREAD in /proc/&lt;pid&gt;/stat's flags: kernel threads have no environment and are never ours. */
    private static final long KERNEL_THREAD = 0x00200000L;

    private static final Path PROC = Path.of("/proc");
    /** Probing one pid costs a few microseconds, reading all of /proc about 1 ms on a busy host. */
    private static final long MAX_PROBED_PIDS = 256;
    private static final int MAX_ENVIRON = 256 * 1024;
    /** A sweep runs after every request: one buffer per thread, not 4 KB of garbage per call. */
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[4096]);

    private ProcessScan() {}

    /**
     * @param entry  the environment entry, "NAME=value"
     * @param oldest the first process of the run
     * @param recent true when the run began moments ago: its processes were then all created after {@code oldest},
     *               so only pids from it up to the last one allocated need a look, unless pids wrapped
     * @param skip   pids known not to be marked, not looked at
     */
    static Found marked(byte[] entry, long oldest, boolean recent, LongPredicate skip) {
        long last = recent ? lastAllocatedPid() : -1;
        List<Long> found = new ArrayList<>(2);
        int undecided = 0;
        byte[] buf = BUFFER.get();
        if (last >= oldest && last - oldest < MAX_PROBED_PIDS) {
            for (long pid = oldest; pid <= last; pid++) {
                // a stat without an exception for the many pids that do not exist (or are threads' ids: harmless)
                if (!skip.test(pid) && new File("/proc/" + pid).exists()) {
                    int verdict = inspect(pid, entry, buf);
                    if (verdict == MARKED) {
                        found.add(pid);
                    } else if (verdict == UNDECIDED) {
                        undecided++;
                    }
                }
            }
            return new Found(found, undecided);
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path e : entries) {
                long pid = parsePid(e.getFileName().toString());
                int verdict = pid > 0 && !skip.test(pid) ? inspect(pid, entry, buf) : UNMARKED;
                if (verdict == MARKED) {
                    found.add(pid);
                } else if (verdict == UNDECIDED) {
                    undecided++;
                }
            }
        } catch (IOException e) {
            // /proc unreadable: nothing can be found; callers still kill the main process and its live descendants
        }
        return new Found(found, undecided);
    }

    /** The fifth field of /proc/loadavg, in this pid namespace; -1 when unreadable. */
    static long lastAllocatedPid() {
        byte[] buf = new byte[128];
        int n;
        try (FileInputStream in = new FileInputStream("/proc/loadavg")) {
            n = in.read(buf);
        } catch (IOException e) {
            return -1;
        }
        int end = n;
        while (end > 0 && (buf[end - 1] < '0' || buf[end - 1] > '9')) {
            end--;
        }
        long pid = 0;
        long scale = 1;
        for (int i = end - 1; i >= 0 && buf[i] >= '0' && buf[i] <= '9'; i--, scale *= 10) {
            pid += (buf[i] - '0') * scale;
        }
        return end > 0 ? pid : -1;
    }

    /**
     * Another user's environ cannot be opened: not ours (we could not kill it anyway). An empty one is a zombie's, a
     * kernel thread's, or a process's in the middle of an exec: only the last is undecided.
     */
    private static int inspect(long pid, byte[] entry, byte[] buf) {
        int length = 0;
        try (FileInputStream in = new FileInputStream("/proc/" + pid + "/environ")) {
            for (int n; (n = in.read(buf, length, buf.length - length)) > 0; ) {
                length += n;
                if (length == buf.length) {
                    if (buf.length >= MAX_ENVIRON) {
                        break;
                    }
                    buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                }
            }
        } catch (IOException e) {
            return UNMARKED;
        }
        if (length == 0) {
            return isLiveUserProcess(pid) ? UNDECIDED : UNMARKED;
        }
        return containsEntry(buf, length, entry) ? MARKED : UNMARKED;
    }

    /** From /proc/&lt;pid&gt;/stat: not a zombie, not being reaped, not a kernel thread. */
    static boolean isLiveUserProcess(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return false; // gone
        }
        // pid (comm) state ppid pgrp session tty_nr tpgid flags ...; comm may hold spaces and parentheses
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 8);
        if (fields.length < 7 || fields[0].equals("Z") || fields[0].equals("X")) {
            return false;
        }
        try {
            return (Long.parseLong(fields[6]) & KERNEL_THREAD) == 0;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** True when {@code entry} is one whole NUL-separated entry of the environ block. */
    static boolean containsEntry(byte[] environ, int length, byte[] entry) {
        outer:
        for (int start = 0; start + entry.length <= length; ) {
            int end = start + entry.length;
            if (end == length || environ[end] == 0) {
                for (int i = 0; i < entry.length; i++) {
                    if (environ[start + i] != entry[i]) {
                        start = next(environ, start, length);
                        continue outer;
                    }
                }
                return true;
            }
            start = next(environ, start, length);
        }
        return false;
    }

    private static int next(byte[] environ, int start, int length) {
        int i = start;
        while (i < length && environ[i] != 0) {
            i++;
        }
        return i + 1;
    }

    private static long parsePid(String name) {
        long pid = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            pid = pid * 10 + (c - '0');
        }
        return name.isEmpty() ? -1 : pid;
    }
}
