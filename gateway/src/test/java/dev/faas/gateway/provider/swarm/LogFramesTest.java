package dev.faas.gateway.provider.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.faas.gateway.provider.LogSource.Line;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogFramesTest {
    private static final String DETAILS = "com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s1,"
            + "com.docker.swarm.task.id=t1";

    private static byte[] frame(int stream, String payload) {
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(stream);
        out.writeBytes(new byte[] {0, 0, 0, (byte) (p.length >>> 24), (byte) (p.length >>> 16),
            (byte) (p.length >>> 8), (byte) p.length});
        out.writeBytes(p);
        return out.toByteArray();
    }

    @Test
    void readsFramesFromBothStreamsUntilTheEnd() throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(frame(1, "2024-01-31T12:00:00.000000001Z " + DETAILS + " level=info msg=listening\n"));
        all.writeBytes(frame(2, "2024-01-31T12:00:01Z " + DETAILS + " " + "é".repeat(200) + "\n"));
        LogFrames frames = new LogFrames(new ByteArrayInputStream(all.toByteArray()), "fn");
        assertEquals(new Line("fn", "", "t1", "2024-01-31T12:00:00.000000001Z", "level=info msg=listening"),
                frames.next());
        assertEquals("é".repeat(200), frames.next().text());
        assertNull(frames.next());
    }

    @Test
    void aLineWithoutDetailsKeepsAllItsText() {
        assertEquals(new Line("fn", "", "", "2024-01-31T12:00:00Z", "plain text here"),
                LogFrames.parse("fn", "2024-01-31T12:00:00Z plain text here\n"));
        assertEquals(new Line("fn", "", "t1", "2024-01-31T12:00:00Z", ""),
                LogFrames.parse("fn", "2024-01-31T12:00:00Z " + DETAILS));
    }
}
