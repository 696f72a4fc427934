package dev.faas.watchdog.lambda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small pure pieces of lambda mode. */
class SmallPartsTest {
    @TempDir
    Path dir;

    @Test
    void tailBufferKeepsTheLast4KbOfLines() {
        TailBuffer t = new TailBuffer();
        byte[] a = "first".getBytes(StandardCharsets.UTF_8);
        t.line(a, 0, a.length);
        assertArrayEquals("first\n".getBytes(StandardCharsets.UTF_8), t.bytes());
        byte[] big = new byte[5000];
        java.util.Arrays.fill(big, (byte) 'x');
        big[4999] = 'y';
        t.line(big, 0, big.length);
        byte[] tail = t.bytes();
        assertEquals(TailBuffer.SIZE, tail.length);
        assertEquals('\n', tail[tail.length - 1]);
        assertEquals('y', tail[tail.length - 2]);
        for (int i = 0; i < 50; i++) {
            byte[] line = ("line " + i).getBytes(StandardCharsets.UTF_8);
            t.line(line, 0, line.length);
        }
        assertTrue(new String(t.bytes(), StandardCharsets.UTF_8).endsWith("line 48\nline 49\n"));
    }

    @Test
    void memorySizeIsTheCgroupLimitInMbOr128() throws Exception {
        assertEquals(128, MemorySize.limitMb(dir), "no cgroup files");
        Files.writeString(dir.resolve("memory.max"), "max\n");
        assertEquals(128, MemorySize.limitMb(dir), "v2 without a limit");
        Files.writeString(dir.resolve("memory.max"), "536870912\n");
        assertEquals(512, MemorySize.limitMb(dir));
        Files.delete(dir.resolve("memory.max"));
        Files.createDirectories(dir.resolve("memory"));
        Files.writeString(dir.resolve("memory/memory.limit_in_bytes"), "9223372036854771712\n");
        assertEquals(128, MemorySize.limitMb(dir), "v1's no-limit value");
        Files.writeString(dir.resolve("memory/memory.limit_in_bytes"), "268435456\n");
        assertEquals(256, MemorySize.limitMb(dir));
    }

    @Test
    void peakMemoryIsReadFromProc() {
        int mb = MemorySize.peakMb(ProcessHandle.current().pid());
        assertTrue(mb > 1, "this JVM's VmHWM: " + mb);
        assertEquals(-1, MemorySize.peakMb(Long.MAX_VALUE));
    }

    @Test
    void requestIdIsTheCallIdWhenItIsSafe() {
        assertEquals("abc-DEF_123", Ids.requestId("abc-DEF_123"));
        for (String unsafe : new String[] {null, "", "has space", "a/b", "x".repeat(65), "é"}) {
            assertTrue(Ids.requestId(unsafe).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
                    String.valueOf(unsafe));
        }
    }

    @Test
    void traceIdAndLogStreamHaveLambdasLayout() {
        assertTrue(Ids.traceId(1_700_000_000_123L).matches("Root=1-6553f100-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0"));
        assertTrue(Ids.logStreamName(Instant.parse("2024-03-05T23:59:59Z"))
                .matches("2024/03/05/\\[\\$LATEST\\][0-9a-f]{32}"));
    }

    @Test
    void exitStatusReadsAsLambdaQuotesIt() {
        assertEquals("exit status 1", RuntimeSlot.describe(1));
        assertEquals("exit status 0", RuntimeSlot.describe(0));
        assertEquals("signal: killed", RuntimeSlot.describe(137));
        assertEquals("signal: terminated", RuntimeSlot.describe(143));
        assertEquals("signal: segmentation fault", RuntimeSlot.describe(139));
    }

    @Test
    void clientContextMustBeBase64OfAJsonObject() {
        String ok = Base64.getEncoder().encodeToString("{\"custom\":\n{\"a\":1}}".getBytes(StandardCharsets.UTF_8));
        assertEquals("{\"custom\": {\"a\":1}}", LambdaHandler.clientContext(ok), "on one line: it becomes a header");
        assertNull(LambdaHandler.clientContext("not base64!"));
        assertNull(LambdaHandler.clientContext(Base64.getEncoder().encodeToString("[1]".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void postedErrorIsKeptWhenItIsAnObjectAndWrappedWhenNot() {
        byte[] object = "{\"errorMessage\":\"m\",\"errorType\":\"T\"}".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(object, RuntimeApiConnection.errorObject(object, "Other"));
        assertEquals("{\"errorMessage\":\"oops \\\"x\\\"\",\"errorType\":\"Unhandled\"}", new String(
                RuntimeApiConnection.errorObject("oops \"x\"".getBytes(StandardCharsets.UTF_8), null),
                StandardCharsets.UTF_8));
        InitFailure posted = InitFailure.posted("{\"errorMessage\":\"boom\",\"errorType\":\"Runtime.X\"}"
                .getBytes(StandardCharsets.UTF_8), null);
        assertEquals("Runtime.X", posted.errorType());
        assertEquals("boom", posted.detail());
        assertEquals("{\"errorType\":\"Runtime.ExitError\",\"errorMessage\":\"RequestId: r1 Error: Runtime exited"
                + " with error: exit status 2\"}", new String(InitFailure.exited("exit status 2").body("r1"),
                StandardCharsets.UTF_8));
    }
}
