package dev.faas.watchdog.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {
    private static final long SHORT = TimeUnit.MILLISECONDS.toNanos(50);

    @Test
    void waitDoublesFrom100MsTo5sWhileRunsKeepFailing() {
        RestartBackoff b = new RestartBackoff();
        long[] expected = {100, 200, 400, 800, 1600, 3200, 5000, 5000};
        for (long wait : expected) {
            assertEquals(wait, b.afterRun(SHORT, false));
        }
        assertEquals(5000, b.afterFailedStart(), "a start that fails counts as a failing run");
    }

    @Test
    void aRunThatLastedOrWorkedStartsOverAt100Ms() {
        RestartBackoff b = new RestartBackoff();
        b.afterFailedStart();
        b.afterFailedStart();
        b.afterFailedStart();
        assertEquals(100, b.afterRun(TimeUnit.SECONDS.toNanos(11), false), "lasted over 10 s");
        assertEquals(200, b.afterRun(SHORT, false));
        assertEquals(100, b.afterRun(SHORT, true), "it served: not a process failing in a loop");
        assertEquals(200, b.afterRun(TimeUnit.SECONDS.toNanos(10), false), "exactly 10 s is not over it");
    }
}
