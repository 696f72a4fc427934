package dev.faas.gateway.provider.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A call's own deadline (an image pull's), apart from docker_timeout. No engine: the calls here never reach one. */
class DockerApiTest {
    @Test
    void aCallWithItsOwnDeadlineGivesUpThenAndInterruptsTheWork() throws Exception {
        try (DockerApi api = new DockerApi(Duration.ofSeconds(30))) {
            CountDownLatch interrupted = new CountDownLatch(1);
            long started = System.nanoTime();
            DockerApi.DeadlinePassed e = assertThrows(DockerApi.DeadlinePassed.class, () -> api.call(() -> {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException stop) {
                    interrupted.countDown();
                }
                return null;
            }, Duration.ofMillis(200)));
            long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
            assertTrue(ms >= 200 && ms < 5_000, "gave up at its own deadline, not docker_timeout: " + ms + " ms");
            assertEquals("docker did not answer within 200 ms", e.getMessage());
            assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the work is stopped");
            assertEquals("IOException: docker did not answer within 200 ms", DockerApi.describe(e),
                    "reads as a passed deadline always read");
        }
    }

    @Test
    void aCallWithinItsDeadlineAnswersAndItsFailuresAreItsOwn() throws Exception {
        try (DockerApi api = new DockerApi(Duration.ofMillis(100))) {
            assertEquals("done", api.call(() -> {
                Thread.sleep(300);
                return "done";
            }, Duration.ofSeconds(10)), "a longer deadline than docker_timeout holds");
            IOException e = assertThrows(IOException.class, () -> api.call(() -> {
                throw new IOException("Broken pipe");
            }, Duration.ofSeconds(10)));
            assertTrue(!(e instanceof DockerApi.DeadlinePassed), "a failure is not a passed deadline");
            assertThrows(DockerApi.DeadlinePassed.class, () -> api.call(() -> {
                Thread.sleep(5_000);
                return null;
            }), "call() keeps docker_timeout");
        }
    }
}
