package dev.faas.watchdog.exec;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the live processes of a process group by reading /proc/&lt;pid&gt;/stat (field 5 is the group id).
 * Java has no killpg(), so a request's tree is found this way and each member is killed by pid.
 */
final class ProcessGroups {
    private static final Path PROC = Path.of("/proc");
    /** Probing one pid costs a few microseconds, reading all of /proc about 1 ms on a busy host. */
    private static final long MAX_PROBED_PIDS = 256;

    private ProcessGroups() {}

    /**
     * Pids of every live process, zombies excluded, whose process group is {@code pgid}.
     *
     * @param recent true when the group was made moments ago: its members were then all created after its leader,
     *               so only pids from the leader's up to the last one allocated need a look, unless pids wrapped
     */
    static List<Long> members(long pgid, boolean recent) {
        long last = recent ? lastAllocatedPid() : -1;
        if (last >= pgid && last - pgid < MAX_PROBED_PIDS) {
            return probe(pgid, last);
        }
        return scanAll(pgid);
    }

    private static List<Long> probe(long pgid, long last) {
        List<Long> found = new ArrayList<>(2);
        byte[] buf = new byte[160];
        for (long pid = pgid; pid <= last; pid++) {
            // ProcessHandle.of answers from native code without an exception when the pid does not exist
            if (ProcessHandle.of(pid).isPresent() && groupOf(pid, buf) == pgid) {
                found.add(pid);
            }
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

    private static List<Long> scanAll(long pgid) {
        List<Long> found = new ArrayList<>(2);
        byte[] buf = new byte[160];
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path entry : entries) {
                long pid = parsePid(entry.getFileName().toString());
                if (pid > 0 && groupOf(pid, buf) == pgid) {
                    found.add(pid);
                }
            }
        } catch (IOException e) {
            // /proc unreadable: nothing can be found; the caller still kills the main process directly
        }
        return found;
    }

    /** The group of a live process, or -1 when it is gone or a zombie (a zombie is dead already; it cannot be killed). */
    static long groupOf(long pid, byte[] buf) {
        int n;
        try (FileInputStream in = new FileInputStream("/proc/" + pid + "/stat")) {
            n = in.read(buf, 0, buf.length);
        } catch (IOException e) {
            return -1;
        }
        return parseGroup(buf, n);
    }

    /** Parses "pid (comm) S ppid pgrp ..."; comm may hold spaces and parentheses, so fields start after the last ')'. */
    static long parseGroup(byte[] stat, int length) {
        int close = -1;
        for (int i = length - 1; i >= 0; i--) {
            if (stat[i] == ')') {
                close = i;
                break;
            }
        }
        int state = close + 2;
        if (close < 0 || state >= length || stat[state] == 'Z' || stat[state] == 'X') {
            return -1;
        }
        int i = state + 2;
        while (i < length && stat[i] != ' ') {
            i++; // ppid
        }
        long pgrp = 0;
        boolean digits = false;
        for (i++; i < length && stat[i] >= '0' && stat[i] <= '9'; i++) {
            pgrp = pgrp * 10 + (stat[i] - '0');
            digits = true;
        }
        return digits ? pgrp : -1;
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
