package dev.faas.watchdog.exec;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the live processes whose environment holds a given entry, by reading /proc/&lt;pid&gt;/environ. Every process a
 * request starts inherits its mark, so this finds them all, including those re-parented after their parent exited
 * and those that made their own session or process group.
 */
final class ProcessScan {
    private static final Path PROC = Path.of("/proc");
    /** Probing one pid costs a few microseconds, reading all of /proc about 1 ms on a busy host. */
    private static final long MAX_PROBED_PIDS = 256;
    private static final int MAX_ENVIRON = 256 * 1024;

    private ProcessScan() {}

    /**
     * @param entry  the environment entry, "NAME=value"
     * @param oldest the first process of the run
     * @param recent true when the run began moments ago: its processes were then all created after {@code oldest},
     *               so only pids from it up to the last one allocated need a look, unless pids wrapped
     */
    static List<Long> marked(byte[] entry, long oldest, boolean recent) {
        long last = recent ? lastAllocatedPid() : -1;
        List<Long> found = new ArrayList<>(2);
        byte[] buf = new byte[4096];
        if (last >= oldest && last - oldest < MAX_PROBED_PIDS) {
            for (long pid = oldest; pid <= last; pid++) {
                // a stat without an exception for the many pids that do not exist (or are threads' ids: harmless)
                if (new File("/proc/" + pid).exists() && hasEntry(pid, entry, buf)) {
                    found.add(pid);
                }
            }
            return found;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path e : entries) {
                long pid = parsePid(e.getFileName().toString());
                if (pid > 0 && hasEntry(pid, entry, buf)) {
                    found.add(pid);
                }
            }
        } catch (IOException e) {
            // /proc unreadable: nothing can be found; callers still kill the main process and its live descendants
        }
        return found;
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

    /** A zombie's or another user's environ reads as empty or fails: neither counts (neither can be killed by us). */
    private static boolean hasEntry(long pid, byte[] entry, byte[] buf) {
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
            return false;
        }
        return containsEntry(buf, length, entry);
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
