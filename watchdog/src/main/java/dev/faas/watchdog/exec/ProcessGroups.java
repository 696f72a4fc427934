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

    private ProcessGroups() {}

    /** Pids of every process, zombies excluded, whose process group is {@code pgid}. */
    static List<Long> members(long pgid) {
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
