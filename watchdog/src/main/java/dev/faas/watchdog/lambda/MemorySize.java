package dev.faas.watchdog.lambda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The function's memory size (its cgroup's limit) and what a runtime process used at most. */
final class MemorySize {
    static final int DEFAULT_MB = 128;
    /** cgroup v1 writes "no limit" as a huge number (9223372036854771712); anything past 1 PiB is no limit. */
    private static final long NO_LIMIT = 1L << 50;

    private MemorySize() {}

    /**
     * The container's memory limit in MB: cgroup v2's memory.max, else v1's memory/memory.limit_in_bytes; 128 (Lambda's
     * smallest size) when neither sets one.
     *
     * @param cgroup the cgroup mount, /sys/fs/cgroup
     */
    static int limitMb(Path cgroup) {
        long bytes = readBytes(cgroup.resolve("memory.max"));
        if (bytes <= 0) {
            bytes = readBytes(cgroup.resolve("memory").resolve("memory.limit_in_bytes"));
        }
        if (bytes <= 0 || bytes >= NO_LIMIT) {
            return DEFAULT_MB;
        }
        return (int) Math.max(1, bytes >> 20);
    }

    /**
     * The peak resident set of one process in MB, rounded up (VmHWM in /proc/pid/status), or -1 when it cannot be
     * read (the process is gone).
     */
    static int peakMb(long pid) {
        String status;
        try {
            status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        int at = status.indexOf("VmHWM:");
        if (at < 0) {
            return -1; // a zombie has no memory lines
        }
        long kb = 0;
        boolean digits = false;
        for (int i = at + 6; i < status.length(); i++) {
            char c = status.charAt(i);
            if (c >= '0' && c <= '9') {
                kb = kb * 10 + (c - '0');
                digits = true;
            } else if (digits || c == '\n') {
                break;
            }
        }
        return digits ? (int) ((kb + 1023) / 1024) : -1;
    }

    /** -1: unreadable or "max"; else the number in the file. */
    private static long readBytes(Path file) {
        try {
            String v = Files.readString(file).trim();
            return v.equals("max") ? -1 : Long.parseLong(v);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
