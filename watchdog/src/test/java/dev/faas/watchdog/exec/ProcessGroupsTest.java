package dev.faas.watchdog.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProcessGroupsTest {
    private static long group(String stat) {
        byte[] b = stat.getBytes(StandardCharsets.US_ASCII);
        return ProcessGroups.parseGroup(b, b.length);
    }

    @Test
    void groupIsTheFifthFieldEvenWhenTheCommandHoldsSpacesAndParentheses() {
        assertEquals(4242, group("4250 (sleep) S 4242 4242 1 0 -1 4194304"));
        assertEquals(77, group("80 (weird ) name) R 1 77 77 0"));
    }

    @Test
    void zombiesAndGarbageHaveNoGroup() {
        assertEquals(-1, group("4250 (sleep) Z 4242 4242 1 0"));
        assertEquals(-1, group("no parenthesis here"));
        assertEquals(-1, group("1 (x) S"));
    }

    @Test
    void ownGroupIsFoundInProc() {
        long self = ProcessHandle.current().pid();
        long myGroup = ProcessGroups.groupOf(self, new byte[160]);
        assertTrue(myGroup > 0);
        assertTrue(ProcessGroups.members(myGroup, false).contains(self));
    }

    @Test
    void recentGroupIsFoundByProbingPidsFromItsLeader() throws Exception {
        Process leader = new ProcessBuilder("setsid", "sh", "-c", "sleep 5 & sleep 5").start();
        try {
            Thread.sleep(300);
            assertTrue(ProcessGroups.lastAllocatedPid() >= leader.pid());
            assertEquals(3, ProcessGroups.members(leader.pid(), true).size(), "sh and its two sleeps");
            assertEquals(3, ProcessGroups.members(leader.pid(), false).size());
        } finally {
            leader.descendants().forEach(ProcessHandle::destroyForcibly);
            leader.destroyForcibly();
        }
    }
}
