package dev.faas.gateway.queue;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * When a queued call (or a callback) is tried again: after an answer that may change by waiting (429, 502, 503, 504,
 * or none at all), at most {@code maxAttempts} tries in all and not once {@code maxAge} has passed since it was
 * accepted. The wait doubles from {@code first}, spread by ±20 % so calls that failed together do not all come back
 * together, and is never longer than {@code max}.
 */
public record RetryPolicy(int maxAttempts, Duration first, Duration max, Duration maxAge, DoubleSupplier random) {

    public static boolean retryable(int status) {
        return status == 429 || status == 502 || status == 503 || status == 504;
    }

    /** The wait before the next try after try number {@code attempt} (1-based) failed, or null: no more tries. */
    public Duration nextWait(int attempt, Duration age) {
        if (attempt >= maxAttempts || age.compareTo(maxAge) >= 0) {
            return null;
        }
        long base = first.toMillis() << Math.min(attempt - 1, 30);
        if (base <= 0 || base > max.toMillis()) {
            base = max.toMillis(); // at the cap the spread still works, downwards
        }
        long spread = Math.min(max.toMillis(), Math.round(base * (0.8 + 0.4 * random.getAsDouble())));
        Duration wait = Duration.ofMillis(Math.max(1, spread));
        Duration left = maxAge.minus(age);
        return wait.compareTo(left) > 0 ? left : wait;
    }
}
