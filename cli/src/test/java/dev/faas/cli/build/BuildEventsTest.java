package dev.faas.cli.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.cli.CliFailure;
import dev.faas.cli.Exit;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BuildEventsTest {
    @Test
    void everyEventOfTheStreamIsRead() {
        assertEquals(Optional.of(new BuildEvent.Step("unpacking")),
                BuildEvents.parse("{\"event\":\"step\",\"message\":\"unpacking\"}"));
        assertEquals(Optional.of(new BuildEvent.Log("Step 1/4 : FROM faas/watchdog")),
                BuildEvents.parse("{\"event\":\"log\",\"line\":\"Step 1/4 : FROM faas/watchdog\"}"));
        assertEquals(Optional.of(new BuildEvent.Done("x", "faas/x:1", false, "unchanged", 4.2)),
                BuildEvents.parse("{\"event\":\"done\",\"function\":\"x\",\"image\":\"faas/x:1\",\"built\":false,"
                        + "\"action\":\"unchanged\",\"seconds\":4.2}"));
        assertEquals(Optional.of(new BuildEvent.Failed(422, "RUN false returned 1", "Step 2/2 : RUN false\n")),
                BuildEvents.parse("{\"event\":\"failed\",\"status\":422,\"error\":\"RUN false returned 1\","
                        + "\"log_tail\":\"Step 2/2 : RUN false\\n\"}"));
    }

    @Test
    void blankLinesAreNothingAndOtherLinesAreKept() {
        assertEquals(Optional.empty(), BuildEvents.parse(""));
        assertEquals(Optional.empty(), BuildEvents.parse("   "));
        assertEquals(Optional.of(new BuildEvent.Log("plain text")), BuildEvents.parse("plain text"));
        assertEquals(Optional.of(new BuildEvent.Log("[1,2]")), BuildEvents.parse("[1,2]"));
        assertEquals(Optional.of(new BuildEvent.Other("pushed", "{\"event\":\"pushed\"}")),
                BuildEvents.parse("{\"event\":\"pushed\"}"));
    }

    @Test
    void aFailedBuildExitsFiveWithTheLogsEnd() {
        CliFailure e = Builder.failedBuild("fn", new BuildEvent.Failed(422, "RUN false returned 1",
                "Step 2/2 : RUN false\n ---> Running in 1234\n"));
        assertEquals(Exit.BUILD_FAILED, e.exit());
        assertTrue(e.getMessage().startsWith("fn: the build failed (422): RUN false returned 1\n"), e.getMessage());
        assertTrue(e.getMessage().contains("Step 2/2 : RUN false\n ---> Running in 1234\n---"), e.getMessage());
    }
}
