package dev.faas.gateway.lambda;

import dev.faas.gateway.api.GatewayError;
import dev.faas.gateway.queue.Answer;
import dev.faas.gateway.queue.Header;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an Invoke answers, from what the gateway's own function route answered the door's call.
 * <p>
 * The gateway's own answers carry {@code X-Faas-Error} ({@link GatewayError}; a function's answer never does, the
 * proxy drops it) and become Lambda's errors: not_found 404 ResourceNotFoundException; too_large 413
 * RequestTooLargeException; busy (every upstream connection taken, too many calls held for a cold start) 429
 * TooManyRequestsException; not_ready and cannot_start (no replica, one that cannot start, none ready within
 * scale_from_zero_timeout) 502 ResourceNotReadyException (nothing ran: a retry is safe), with the orchestrator's
 * words in the gateway's log, not in the answer; unreachable 500 ServiceException. The gateway's upstream_timeout is
 * a function error as Lambda reports a timeout (Sandbox.Timedout): the function did run, and a client must not send
 * it again on its own.
 * <p>
 * Any other answer is the function's. One with {@code X-Amz-Function-Error} (the watchdog's mode=lambda: the
 * handler failed, timed out, the runtime exited or could not start) is a function error: 200 with the header and
 * that body, as Lambda answers. So is any other answer that is not a 2xx (a function outside mode=lambda: its text as
 * errorMessage, cut to 4 KB, errorType {@code Function.Error<status>}), and a 2xx over the answer limit (errorType
 * {@code Function.ResponseSizeTooLarge}). A 2xx is the result, with the function's Content-Type.
 * <p>
 * Two answers of the watchdog's own (it sends no X-Faas-Error) are told by its exact words: its admission's 429 at
 * max_inflight (without X-Amzn-RequestId, which every answer of mode=lambda's handler has) is a throttle, 429
 * TooManyRequestsException; its 413 over max_body_size is RequestTooLargeException. Nothing of the function ran in
 * either.
 */
final class InvokeAnswers {
    private static final Logger LOG = LoggerFactory.getLogger(InvokeAnswers.class);
    static final String FUNCTION_ERROR = "X-Amz-Function-Error";
    static final String LOG_RESULT = "X-Amz-Log-Result";
    static final String EXECUTED_VERSION = "X-Amz-Executed-Version";
    static final String REQUEST_ID = "X-Amzn-RequestId";
    static final int MAX_MESSAGE = 4096;
    private static final Pattern BYTES = Pattern.compile("\\((\\d{1,18}) bytes\\)");
    /** The watchdog's admission at max_inflight (watchdog/http/Admission), the same in every mode. */
    private static final String WATCHDOG_BUSY = "too many requests in flight (max_inflight=";
    /** The watchdog's 413 (fork mode and mode=lambda write it alike). */
    private static final String WATCHDOG_TOO_LARGE = "request body is larger than max_body_size (";

    private InvokeAnswers() {}

    /** A successful Invoke's answer (a function error is one too): always 200. */
    record Reply(Map<String, String> headers, String contentType, byte[] body) {}

    /**
     * @param arn       the function's ARN, for the message of a 404
     * @param maxAnswer the longest answer passed on (the door's call reads one byte more, to tell)
     * @param tail      whether the caller asked for the log tail ({@code X-Amz-Log-Type: Tail})
     * @param timeout   the gateway's upstream_timeout, for the message of a call it cut off
     */
    record Call(String function, String arn, String requestId, boolean tail, long maxAnswer, Duration timeout) {}

    static Reply reply(Answer answer, Call call) throws LambdaError {
        String marker = header(answer, GatewayError.HEADER_NAME);
        if (marker != null) {
            return fromGateway(marker, answer.status(), text(answer.body()), call);
        }
        String functionError = header(answer, FUNCTION_ERROR);
        String text = answer.status() / 100 == 2 || functionError != null ? "" : text(answer.body());
        if (functionError == null) {
            fromWatchdog(answer, text, call);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        String version = header(answer, EXECUTED_VERSION);
        headers.put(EXECUTED_VERSION, version == null ? FunctionRef.LATEST : version);
        if (call.tail()) {
            String log = header(answer, LOG_RESULT);
            if (log != null) {
                headers.put(LOG_RESULT, log);
            }
        }
        String contentType = header(answer, "Content-Type");
        if (functionError == null && answer.status() / 100 != 2) {
            headers.put(FUNCTION_ERROR, "Unhandled");
            String message = text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) : text;
            return new Reply(headers, "application/json", errorBody(message.isEmpty()
                    ? "the function answered HTTP " + answer.status() + " without a body" : message,
                    "Function.Error" + answer.status()));
        }
        if (answer.body().length > call.maxAnswer()) {
            headers.put(FUNCTION_ERROR, "Unhandled");
            return new Reply(headers, "application/json", errorBody("Response payload size exceeded maximum allowed"
                    + " payload size (" + call.maxAnswer() + " bytes).", "Function.ResponseSizeTooLarge"));
        }
        if (functionError != null) {
            headers.put(FUNCTION_ERROR, functionError);
        }
        return new Reply(headers, contentType == null ? "application/json" : contentType, answer.body());
    }

    /**
     * An answer the gateway wrote itself ({@code marker} is its X-Faas-Error): throws Lambda's error for it, or
     * returns the function error of its upstream_timeout.
     */
    private static Reply fromGateway(String marker, int status, String text, Call call) throws LambdaError {
        GatewayError reason = GatewayError.of(marker);
        if (reason == null) { // a reason newer than this door
            LOG.warn("event=lambda_gateway_error function={} request={} status={} reason={} detail=\"{}\"",
                    call.function(), call.requestId(), status, Replies.printable(marker), Replies.printable(text));
            throw LambdaError.service(internal(call));
        }
        switch (reason) {
            case NOT_FOUND -> throw LambdaError.notFound(call.arn());
            case TOO_LARGE -> throw LambdaError.tooLarge(limit(text, call.maxAnswer()));
            case BUSY -> throw LambdaError.tooManyRequests("Rate Exceeded. " + orDefault(text, "too many calls of "
                    + call.function() + " at once"));
            case NOT_READY, CANNOT_START -> {
                // The text may carry the orchestrator's words (a task's error, a failed scale-up): logged, not sent.
                LOG.info("event=lambda_not_ready function={} request={} reason={} detail=\"{}\"", call.function(),
                        call.requestId(), reason.token(), Replies.printable(text));
                throw LambdaError.notReady("Function " + call.function() + (reason == GatewayError.CANNOT_START
                        ? " cannot start a replica" : " has no ready replica") + "; nothing ran, try again shortly"
                        + " (request " + call.requestId() + "; the gateway's log has the details)");
            }
            case TIMEOUT -> {
                return timedOut(call);
            }
            case UNREACHABLE -> throw LambdaError.service(text + ": its replica did not answer (request "
                    + call.requestId() + ")");
            case BAD_REQUEST, BODY_TIMEOUT -> throw LambdaError.service("the gateway refused the door's own call: "
                    + text);
            default -> throw new IllegalStateException("no Lambda error for " + reason);
        }
    }

    /** Throws Lambda's error for an answer of the watchdog's own, told by its words; returns for any other. */
    private static void fromWatchdog(Answer answer, String text, Call call) throws LambdaError {
        if (answer.status() == 429 && text.startsWith(WATCHDOG_BUSY) && header(answer, REQUEST_ID) == null) {
            throw LambdaError.tooManyRequests("Rate Exceeded. " + text);
        }
        if (answer.status() == 413 && text.startsWith(WATCHDOG_TOO_LARGE)) {
            throw LambdaError.tooLarge(limit(text, call.maxAnswer()));
        }
    }

    /** The limit a 413's text names: "(N bytes)"; else {@code fallback}. */
    private static long limit(String text, long fallback) {
        Matcher bytes = BYTES.matcher(text);
        return bytes.find() ? Long.parseLong(bytes.group(1)) : fallback;
    }

    private static String internal(Call call) {
        return "internal error; the gateway's log has the details (request " + call.requestId() + ")";
    }

    /** The gateway cut the call off at upstream_timeout: reported as Lambda reports a timeout. */
    private static Reply timedOut(Call call) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(EXECUTED_VERSION, FunctionRef.LATEST);
        headers.put(FUNCTION_ERROR, "Unhandled");
        return new Reply(headers, "application/json", errorBody(String.format(java.util.Locale.ROOT,
                "RequestId: %s Error: Task timed out after %.2f seconds (the gateway's upstream_timeout)",
                call.requestId(), call.timeout().toMillis() / 1000.0), "Sandbox.Timedout"));
    }

    static byte[] errorBody(String message, String type) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("errorMessage", message);
        m.put("errorType", type);
        try {
            return Replies.JSON.writeValueAsBytes(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write an error body", e);
        }
    }

    private static String orDefault(String text, String fallback) {
        return text.isEmpty() ? fallback : text;
    }

    private static String text(byte[] body) {
        int n = Math.min(body.length, 64 * 1024);
        return new String(body, 0, n, StandardCharsets.UTF_8).strip();
    }

    static String header(Answer answer, String name) {
        for (Header h : answer.headers()) {
            if (h.name().equalsIgnoreCase(name) && !h.value().isBlank()) {
                return h.value().strip();
            }
        }
        return null;
    }
}
