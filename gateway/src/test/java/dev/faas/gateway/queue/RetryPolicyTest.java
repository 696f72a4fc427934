package dev.faas.gateway.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static RetryPolicy policy(int maxAttempts, double random) {
        return new RetryPolicy(maxAttempts, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofHours(1),
                () -> random);
    }

    @Test
    void onlyAnswersThatWaitingMayChangeAreTriedAgain() {
        for (int status : new int[] {429, 502, 503, 504}) {
            assertTrue(RetryPolicy.retryable(status), Integer.toString(status));
        }
        for (int status : new int[] {200, 202, 204, 301, 400, 404, 408, 413, 500, 501, 505}) {
            assertFalse(RetryPolicy.retryable(status), Integer.toString(status));
        }
    }

    @Test
    void theWaitDoublesFromTheFirstUpToTheMax() {
        RetryPolicy p = policy(20, 0.5); // 0.5: no spread
        long[] expected = {1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000};
        for (int attempt = 1; attempt <= expected.length; attempt++) {
            assertEquals(Duration.ofMillis(expected[attempt - 1]), p.nextWait(attempt, Duration.ZERO),
                    "after try " + attempt);
        }
    }

    @Test
    void theWaitIsSpreadByTwentyPercentEitherWay() {
        assertEquals(Duration.ofMillis(800), policy(20, 0.0).nextWait(1, Duration.ZERO));
        assertEquals(Duration.ofMillis(1_200), policy(20, 1.0).nextWait(1, Duration.ZERO));
        assertEquals(Duration.ofMillis(2_200), policy(20, 0.75).nextWait(2, Duration.ZERO));
        Duration low = policy(20, 0.0).nextWait(9, Duration.ZERO);
        Duration high = policy(20, 1.0).nextWait(9, Duration.ZERO);
        assertEquals(Duration.ofSeconds(8), low, "the max, 20 % less");
        assertEquals(Duration.ofSeconds(10), high, "the max: never more");
    }

    @Test
    void aTinyFirstWaitIsNeverRoundedToZero() {
        RetryPolicy p = new RetryPolicy(5, Duration.ofMillis(1), Duration.ofSeconds(1), Duration.ofHours(1), () -> 0);
        assertEquals(Duration.ofMillis(1), p.nextWait(1, Duration.ZERO));
    }

    @Test
    void noMoreTriesOnceMaxAttemptsWereMade() {
        RetryPolicy p = policy(3, 0.5);
        assertNotNull(p.nextWait(1, Duration.ZERO));
        assertNotNull(p.nextWait(2, Duration.ZERO));
        assertNull(p.nextWait(3, Duration.ZERO), "the third try was the last");
        assertNull(p.nextWait(4, Duration.ZERO));
        assertNull(policy(1, 0.5).nextWait(1, Duration.ZERO), "one attempt: never tried again");
    }

    @Test
    void noMoreTriesOnceMaxAgeHasPassed() {
        RetryPolicy p = policy(20, 0.5);
        assertNull(p.nextWait(1, Duration.ofHours(1)));
        assertNull(p.nextWait(1, Duration.ofHours(2)));
        assertNotNull(p.nextWait(1, Duration.ofMinutes(59)));
    }

    @Test
    void theWaitNeverGoesPastTheAgeLeft() {
        RetryPolicy p = policy(20, 1.0);
        Duration age = Duration.ofHours(1).minusMillis(300);
        assertEquals(Duration.ofMillis(300), p.nextWait(1, age));
        assertEquals(Duration.ofMillis(300), p.nextWait(10, age));
        assertEquals(Duration.ofSeconds(10), p.nextWait(10, Duration.ofMinutes(30)), "plenty left: not cut");
    }

    @Test
    void manyAttemptsStayAtTheMaxWithoutOverflowing() {
        RetryPolicy p = policy(Integer.MAX_VALUE, 0.5);
        for (int attempt : new int[] {31, 32, 33, 63, 64, 65, 1_000, Integer.MAX_VALUE - 1}) {
            assertEquals(Duration.ofSeconds(10), p.nextWait(attempt, Duration.ZERO), "after try " + attempt);
        }
    }

    @Test
    void theRandomSourceIsAskedEachTime() {
        double[] values = {0.0, 1.0, 0.5};
        int[] next = {0};
        RetryPolicy p = new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofHours(1),
                () -> values[next[0]++]);
        assertEquals(Duration.ofMillis(800), p.nextWait(1, Duration.ZERO));
        assertEquals(Duration.ofMillis(1_200), p.nextWait(1, Duration.ZERO));
        assertEquals(Duration.ofMillis(1_000), p.nextWait(1, Duration.ZERO));
    }
}
