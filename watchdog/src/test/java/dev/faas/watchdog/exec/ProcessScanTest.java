package dev.faas.watchdog.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ProcessScanTest {
    private static boolean contains(String environ, String entry) {
        byte[] b = environ.getBytes(StandardCharsets.UTF_8);
        return ProcessScan.containsEntry(b, b.length, entry.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anEntryMatchesOnlyAsAWholeNulSeparatedEntry() {
        assertTrue(contains("A=1\0RUN=7.3\0B=2\0", "RUN=7.3"));
        assertTrue(contains("RUN=7.3\0", "RUN=7.3"));
        assertTrue(contains("A=1\0RUN=7.3", "RUN=7.3"));
        assertFalse(contains("A=1\0RUN=7.31\0", "RUN=7.3"), "a longer value is another run");
        assertFalse(contains("A=1\0XRUN=7.3\0", "RUN=7.3"), "a longer name is another variable");
        assertFalse(contains("A=RUN=7.3\0", "RUN=7.3"), "inside a value is not an entry");
        assertFalse(contains("", "RUN=7.3"));
    }

    @Test
    void kernelThreadsAndTheDeadAreNotLiveUserProcessesButWeAre() throws Exception {
        assertTrue(ProcessScan.isLiveUserProcess(ProcessHandle.current().pid()));
        long kthreadd;
        try (var pids = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
            kthreadd = pids.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> readQuietly(p.resolve("comm")).equals("kthreadd\n"))
                    .mapToLong(p -> Long.parseLong(p.getFileName().toString())).findFirst().orElseThrow();
        }
        assertFalse(ProcessScan.isLiveUserProcess(kthreadd), "kthreadd is a kernel thread");
        assertFalse(ProcessScan.isLiveUserProcess(Integer.MAX_VALUE), "no such process");
    }

    private static String readQuietly(java.nio.file.Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void lastAllocatedPidIsAtLeastOurOwn() {
        assertTrue(ProcessScan.lastAllocatedPid() >= ProcessHandle.current().pid());
    }

    @Test
    void markedProcessesAreFoundByProbingRecentPidsAndByAFullScan() throws Exception {
        String value = UUID.randomUUID().toString();
        byte[] mark = ("SCAN_TEST=" + value).getBytes(StandardCharsets.UTF_8);
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", "sleep 30 & setsid sleep 30 & sleep 30");
        builder.environment().put("SCAN_TEST", value);
        Process leader = builder.start();
        try {
            // Until sh has started all three (the full scan sees them); the 30 s only guard against a hang.
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (ProcessScan.marked(mark, leader.pid(), false, pid -> false).marked().size() < 4) {
                assertTrue(System.nanoTime() < deadline, "sh never started its three sleeps");
                Thread.sleep(10);
            }
            List<Long> recent = ProcessScan.marked(mark, leader.pid(), true, pid -> false).marked();
            assertEquals(4, recent.size(), "sh, its two sleeps and the one in its own session: " + recent);
            assertEquals(recent, ProcessScan.marked(mark, leader.pid(), false, pid -> false).marked());
        } finally {
            for (long pid : ProcessScan.marked(mark, leader.pid(), false, pid -> false).marked()) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
