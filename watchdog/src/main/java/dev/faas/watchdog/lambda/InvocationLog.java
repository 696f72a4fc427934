package dev.faas.watchdog.lambda;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Lambda's lines around each invocation in the function's log (START, END, REPORT, and the error line of a timeout or
 * a crash), and the caller's answer for each way an invocation ends.
 */
final class InvocationLog {
    /** The longest wait for a runtime's last lines to be read; the reader confirms in microseconds when it runs. */
    private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** What curl -d sends when told nothing else, as the tutorial's bootstrap does: not a type the function chose. */
    private static final String CURL_DEFAULT_TYPE = "application/x-www-form-urlencoded";

    private final FunctionLog log;
    private final int memoryMb;

    InvocationLog(FunctionLog log, int memoryMb) {
        this.log = log;
        this.memoryMb = memoryMb;
    }

    /**
     * A runtime took it: START, and its output from now on is the invocation's. What the runtime printed before it
     * asked for this invocation (late lines of the last one) is passed on first, so it stays before START.
     */
    void start(Invocation inv) {
        inv.run.peakMb(); // read while the process surely lives: an exit during the call leaves this figure
        settle(inv);
        log.line("START RequestId: " + inv.id + " Version: $LATEST", inv.log);
        if (inv.log != null) {
            inv.run.output.capture(inv.log);
        }
    }

    /**
     * The end of an invocation a runtime took: its last lines read (or its tree killed, at the deadline), END and
     * REPORT, and the caller's answer.
     *
     * @param initNanos the runtime's init duration for REPORT when this is its first invocation, else -1
     */
    Ending end(Invocation inv, Completion how, long initNanos) {
        long endedNanos = System.nanoTime();
        int peak = inv.run.peakMb();
        if (how instanceof Completion.TimedOut) {
            inv.run.killTree();
        } else {
            settle(inv);
        }
        inv.run.output.capture(null);
        Ending ending;
        if (how instanceof Completion.Answered answered) {
            String type = answered.contentType();
            if (type == null || type.isBlank() || type.regionMatches(true, 0, CURL_DEFAULT_TYPE, 0,
                    CURL_DEFAULT_TYPE.length())) {
                type = "application/json";
            }
            ending = new Ending(200, answered.body(), type, false, null);
        } else if (how instanceof Completion.Failed failed) {
            ending = new Ending(500, failed.json(), "application/json", true, null);
        } else if (how instanceof Completion.TimedOut) {
            String message = timedOutMessage(inv);
            log.line(message, inv.log);
            ending = error(504, "Sandbox.Timedout", message, true);
        } else if (how instanceof Completion.Exited exited) {
            String message = "RequestId: " + inv.id + " Error: Runtime exited with error: " + exited.how();
            log.line(message, inv.log);
            log.line("Runtime.ExitError", inv.log);
            ending = error(502, "Runtime.ExitError", message, false);
        } else {
            String message = "RequestId: " + inv.id + " Error: the runtime asked for its next invocation without"
                    + " answering this one";
            log.line(message, inv.log);
            ending = error(502, "Runtime.NoResponse", message, false);
        }
        log.line("END RequestId: " + inv.id, inv.log);
        log.line(report(inv, endedNanos - inv.takenNanos, peak, initNanos), inv.log);
        return withTail(ending, inv);
    }

    private static void settle(Invocation inv) {
        try {
            inv.run.output.settle(SETTLE_NANOS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Deadline reached before any runtime took it: nothing ran, so no START/END/REPORT. */
    Ending untaken(Invocation inv) {
        String message = timedOutMessage(inv);
        if (inv.log != null) {
            byte[] line = message.getBytes(StandardCharsets.UTF_8);
            inv.log.line(line, 0, line.length);
        }
        return withTail(error(504, "Sandbox.Timedout", message, true), inv);
    }

    /** No runtime is ready and the last start failed: its error, at once. */
    Ending initFailed(Invocation inv, InitFailure failure) {
        return withTail(new Ending(503, failure.body(inv.id), "application/json", true, null), inv);
    }

    private static Ending error(int status, String type, String message, boolean messageFirst) {
        String json = messageFirst
                ? "{\"errorMessage\":" + Json.quote(message) + ",\"errorType\":" + Json.quote(type) + "}"
                : "{\"errorType\":" + Json.quote(type) + ",\"errorMessage\":" + Json.quote(message) + "}";
        return new Ending(status, json.getBytes(StandardCharsets.UTF_8), "application/json", true, null);
    }

    private static Ending withTail(Ending e, Invocation inv) {
        return inv.log == null ? e : new Ending(e.status(), e.body(), e.contentType(), e.unhandled(), inv.log.bytes());
    }

    /** Lambda's words: "2024-05-01T10:00:03.012Z 8f5c... Task timed out after 3.00 seconds". */
    private static String timedOutMessage(Invocation inv) {
        return ISO_MILLIS.format(Instant.now().truncatedTo(ChronoUnit.MILLIS)) + " " + inv.id
                + " Task timed out after " + String.format(Locale.ROOT, "%.2f", inv.limitNanos / 1e9) + " seconds";
    }

    private String report(Invocation inv, long nanos, int peakMb, long initNanos) {
        double millis = nanos / 1e6;
        long billed = Math.max(1, (long) Math.ceil(millis));
        StringBuilder line = new StringBuilder(160).append("REPORT RequestId: ").append(inv.id)
                .append("\tDuration: ").append(String.format(Locale.ROOT, "%.2f", millis)).append(" ms")
                .append("\tBilled Duration: ").append(billed).append(" ms")
                .append("\tMemory Size: ").append(memoryMb).append(" MB")
                .append("\tMax Memory Used: ").append(peakMb).append(" MB\t");
        if (initNanos >= 0) {
            line.append("Init Duration: ").append(String.format(Locale.ROOT, "%.2f", initNanos / 1e6)).append(" ms\t");
        }
        return line.toString();
    }
}
