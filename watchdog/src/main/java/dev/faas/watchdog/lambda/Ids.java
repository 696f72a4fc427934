package dev.faas.watchdog.lambda;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** The identifiers Lambda hands a runtime: request ids, X-Ray trace ids, log stream names. */
final class Ids {
    /** What the gateway's X-Call-Id may be to serve as the request id: safe in a URL path and a header. */
    private static final Pattern CALL_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);

    private Ids() {}

    /** X-Call-Id when it is 1-64 of [A-Za-z0-9_-] (the gateway's UUIDs are), else a random UUID. */
    static String requestId(String callId) {
        return callId != null && CALL_ID.matcher(callId).matches() ? callId : UUID.randomUUID().toString();
    }

    /** Root=1-{8 hex: epoch seconds}-{24 hex};Parent={16 hex};Sampled=0, X-Ray's layout; not sampled, nothing traces. */
    static String traceId(long epochMillis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format("Root=1-%08x-%08x%016x;Parent=%016x;Sampled=0", epochMillis / 1000,
                random.nextInt(), random.nextLong(), random.nextLong());
    }

    /** yyyy/MM/dd/[$LATEST]{32 hex}: one stream per runtime process, as Lambda has one per execution environment. */
    static String logStreamName(Instant now) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return DAY.format(now) + "/[$LATEST]" + String.format("%016x%016x", random.nextLong(), random.nextLong());
    }
}
