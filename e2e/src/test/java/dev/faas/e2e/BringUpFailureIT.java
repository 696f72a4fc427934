package dev.faas.e2e;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A bring-up that cannot work is never reported as a success: with function images that do not exist, scripts/up.sh
 * stops as soon as Swarm rejects the tasks (no waiting out its timeout), shows the failing service's task error,
 * and says the stack is deployed but not working and how to remove it.
 */
class BringUpFailureIT {

    @Test
    void missingFunctionImagesEndTheBringUpWithTheTaskErrorAndWhatToDo() {
        try (BringUp stack = new BringUp("e2efail")) {
            long started = System.nanoTime();
            Cli.Result r = stack.up(Map.of("FUNCTIONS_TAG", "no-such-tag", "FAAS_UP_TIMEOUT", "120"));
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("BringUpFailureIT: scripts/up.sh gave up after %.1fs%n", seconds);
            assertNotEquals(0, r.exitCode(), r.output());
            // The first function Swarm rejects ends the wait, whichever it is (wordcount, catservice, ...).
            java.util.regex.Matcher rejected = java.util.regex.Pattern.compile("cannot work: (" + stack.stack
                    + "_[A-Za-z0-9-]+): \"No such image: faas/[a-z0-9-]+:no-such-tag\"").matcher(r.output());
            assertTrue(rejected.find(), r.output());
            assertTrue(r.output().contains("docker service ps --no-trunc " + rejected.group(1)), r.output());
            // Not the timeout's message ("after 120s these are still not answering"): it gave up as soon as a task
            // could not start, which is what a wall-clock bound here used to check.
            assertTrue(r.output().contains("deployed but cannot work"), r.output());
            assertTrue(r.output().contains("FAAS_STACK=" + stack.stack + " scripts/down.sh"), r.output());
            assertTrue(!r.output().contains("is up in"), r.output());
        }
    }
}
