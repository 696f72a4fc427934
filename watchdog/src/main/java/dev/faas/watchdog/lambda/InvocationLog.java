package dev.faas.watchdog.lambda;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
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
        inv.run.output.begin(inv.log);
    }

    /**
     * The end of an invocation a runtime took: the caller's reply, and END and REPORT in the log. The runtime's last
     * lines are read first (or its tree is killed, at the deadline): before the reply when the caller asked for the
     * tail, as they belong in it; otherwise after the reply, only so that they stay before END in the container log.
     * (The thread that ends it at the runtime's post returns here before the runtime gets its 202, so that runtime's
     * next START cannot come before this END either.) Writing to stdout comes last: a blocked log driver does not
     * hold the reply back.
     *
     * @param initNanos the runtime's init duration for REPORT when this is its first invocation, else -1
     */
    void end(Invocation inv, Completion how, long initNanos) {
        long endedNanos = System.nanoTime();
        int peak = inv.run.peakMb();
        boolean timedOut = how instanceof Completion.TimedOut;
        if (timedOut) {
            inv.run.killTree();
        } else if (inv.log != null) {
            settle(inv);
        }
        inv.run.output.end();
        List<String> lines = new ArrayList<>(4);
        Reply reply = reply(inv, how, lines);
        lines.add("END RequestId: " + inv.id);
        lines.add(report(inv, endedNanos - inv.takenNanos, peak, initNanos));
        if (inv.log != null) {
            for (String line : lines) {
                inv.log.line(line);
            }
        }
        inv.complete(withTail(reply, inv));
        if (!timedOut && inv.log == null) {
            settle(inv);
        }
        for (String line : lines) {
            log.line(line, null);
        }
    }

    /** The caller's reply for how it ended; the error line Lambda logs before END, if any, added to {@code lines}. */
    private static Reply reply(Invocation inv, Completion how, List<String> lines) {
        if (how instanceof Completion.Answered answered) {
            String type = answered.contentType();
            if (type == null || type.isBlank() || type.regionMatches(true, 0, CURL_DEFAULT_TYPE, 0,
                    CURL_DEFAULT_TYPE.length())) {
                type = "application/json";
            }
            return new Reply(200, answered.body(), type, false, null);
        }
        if (how instanceof Completion.Failed failed) {
            return error(500, failed.json());
        }
        if (how instanceof Completion.TimedOut) {
            String message = timedOutMessage(inv);
            lines.add(message);
            return error(504, Json.error("Sandbox.Timedout", message));
        }
        if (how instanceof Completion.Exited exited) {
            String message = "RequestId: " + inv.id + " Error: Runtime exited with error: " + exited.how();
            lines.add(message);
            lines.add("Runtime.ExitError");
            return error(502, Json.object("errorType", "Runtime.ExitError", "errorMessage", message));
        }
        String message = "RequestId: " + inv.id + " Error: the runtime asked for its next invocation without"
                + " answering this one";
        lines.add(message);
        return error(502, Json.object("errorType", "Runtime.NoResponse", "errorMessage", message));
    }

    private static void settle(Invocation inv) {
        try {
            inv.run.output.settle(SETTLE_NANOS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Deadline reached before any runtime took it: nothing ran, so no START/END/REPORT. */
    Reply untaken(Invocation inv) {
        String message = timedOutMessage(inv);
        if (inv.log != null) {
            inv.log.line(message);
        }
        return withTail(error(504, Json.error("Sandbox.Timedout", message)), inv);
    }

    /** No runtime is ready and the last start failed: its error, at once. */
    Reply initFailed(Invocation inv, InitFailure failure) {
        return withTail(error(503, failure.body(inv.id)), inv);
    }

    /** A function error: X-Amz-Function-Error: Unhandled and its error object. */
    private static Reply error(int status, byte[] json) {
        return new Reply(status, json, "application/json", true, null);
    }

    private static Reply withTail(Reply r, Invocation inv) {
        return inv.log == null ? r : new Reply(r.status(), r.body(), r.contentType(), r.unhandled(), inv.log.bytes());
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
