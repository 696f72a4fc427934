package dev.faas.gateway.proxy;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** New X-Call-Id values, for sync and queued calls alike. */
public final class CallIds {
    private CallIds() {}

    /** A random v4 UUID without SecureRandom: call ids need uniqueness, not unpredictability. */
    public static String random() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new UUID((r.nextLong() & ~0xF000L) | 0x4000L, (r.nextLong() & ~(3L << 62)) | (2L << 62)).toString();
    }
}
