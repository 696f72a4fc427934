package dev.faas.gateway.lambda;

import dev.faas.gateway.provider.Function;
import dev.faas.gateway.queue.Answer;
import dev.faas.gateway.queue.Header;
import dev.faas.gateway.queue.QueueUnavailableException;
import dev.faas.gateway.queue.QueuedCall;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invoke: {@code POST /2015-03-31/functions/{FunctionName}/invocations}. The function is called at
 * {@code /function/<name>/2015-03-31/functions/<name>/invocations} (the watchdog's mode=lambda serves that path;
 * other functions ignore it) with the payload as its body, {@code X-Call-Id: <request id>}, and the caller's
 * {@code X-Amz-Client-Context} and {@code X-Amz-Log-Type}. RequestResponse waits for the answer
 * ({@link InvokeAnswers}), Event answers 202 once the call is stored on the queue, DryRun 204 once the call could be made.
 */
final class Invocations {
    private static final Logger LOG = LoggerFactory.getLogger(Invocations.class);
    static final HttpString LOG_TYPE = new HttpString("X-Amz-Log-Type");
    static final HttpString CLIENT_CONTEXT = new HttpString("X-Amz-Client-Context");

    private final FunctionRef.Place place;
    private final LambdaDoor.Core core;
    private final long maxAnswer;
    private final Duration upstreamTimeout;
    private final Clock clock;

    Invocations(FunctionRef.Place place, LambdaDoor.Core core, long maxAnswer, Duration upstreamTimeout, Clock clock) {
        this.place = place;
        this.core = core;
        this.maxAnswer = maxAnswer;
        this.upstreamTimeout = upstreamTimeout;
        this.clock = clock;
    }

    /** Where the watchdog's mode=lambda serves a function's invocations, after /function/&lt;name&gt;. */
    static String path(String function) {
        return "/2015-03-31/functions/" + function + "/invocations";
    }

    void invoke(HttpServerExchange exchange, String requestId, byte[] body) throws LambdaError, IOException {
        FunctionRef ref = FunctionRef.parse(Replies.parameter(exchange, "FunctionName"),
                query(exchange, "Qualifier"), place);
        String type = exchange.getRequestHeaders().getFirst(LambdaDoor.INVOCATION_TYPE);
        type = type == null ? "RequestResponse" : type.strip();
        if (!List.of("RequestResponse", "Event", "DryRun").contains(type)) {
            throw LambdaError.invalidParameter("1 validation error detected: Value '" + Replies.printable(type)
                    + "' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set:"
                    + " [Event, RequestResponse, DryRun]");
        }
        String logType = exchange.getRequestHeaders().getFirst(LOG_TYPE);
        if (logType != null && !logType.strip().equals("None") && !logType.strip().equals("Tail")) {
            throw LambdaError.invalidParameter("1 validation error detected: Value '" + Replies.printable(logType)
                    + "' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [Tail, None]");
        }
        Function function = Listings.resolve(ref, place, core);
        String clientContext = exchange.getRequestHeaders().getFirst(CLIENT_CONTEXT);
        Payloads.checkClientContext(clientContext);
        if (type.equals("DryRun")) {
            exchange.getResponseHeaders().put(new HttpString(InvokeAnswers.EXECUTED_VERSION), FunctionRef.LATEST);
            Replies.send(exchange, 204, requestId, null, new byte[0]);
            return;
        }
        byte[] payload = Payloads.payload(body);
        List<Header> headers = new ArrayList<>();
        String contentType = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        headers.add(new Header("Content-Type", contentType == null || contentType.isBlank() ? "application/json"
                : contentType));
        if (clientContext != null) {
            headers.add(new Header("X-Amz-Client-Context", clientContext.strip()));
        }
        if (type.equals("Event")) {
            queue(exchange, requestId, function.name(), headers, payload);
            return;
        }
        boolean tail = logType != null && logType.strip().equals("Tail");
        if (tail) {
            headers.add(new Header("X-Amz-Log-Type", "Tail"));
        }
        QueuedCall call = new QueuedCall(requestId, function.name(), "POST", path(function.name()), "", headers,
                null, clock.instant(), payload);
        InvokeAnswers.Call context = new InvokeAnswers.Call(function.name(), place.arn(function.name()), requestId,
                tail, maxAnswer, upstreamTimeout);
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> {
            CompletableFuture<Answer> answered;
            try {
                answered = core.invoker().invoke(call);
            } catch (RuntimeException e) { // e.g. the loopback listener not started yet
                answered = CompletableFuture.failedFuture(e);
            }
            answered.whenComplete((answer, failure) -> exchange.getIoThread().execute(
                    () -> answer(exchange, context, answer, failure)));
        });
    }

    private void queue(HttpServerExchange exchange, String requestId, String function, List<Header> headers,
                       byte[] payload) throws LambdaError {
        if (!core.queue().available()) {
            throw refused(function, requestId, core.queue().status().detail(), LambdaError.unavailable(
                    "the queue (NATS) is off or unreachable: the Event call was not accepted, send it again"
                    + details(requestId)));
        }
        QueuedCall call = new QueuedCall(requestId, function, "POST", path(function), "", headers, null,
                clock.instant(), null);
        try {
            core.queue().enqueue(call, new ByteArrayInputStream(payload));
        } catch (QueueUnavailableException e) {
            throw refused(function, requestId, e.getMessage(), LambdaError.unavailable("the queue (NATS) did not"
                    + " store the Event call: send it again" + details(requestId)));
        } catch (IllegalStateException e) { // the call's headers are over what NATS stores
            throw refused(function, requestId, e.getMessage(), LambdaError.invalidContent("the Event call's headers"
                    + " are too large to store: nothing was stored" + details(requestId)));
        } catch (IOException e) {
            throw refused(function, requestId, e.toString(), LambdaError.service("the Event call could not be"
                    + " stored: send it again" + details(requestId)));
        }
        core.asyncMetrics().accepted(function);
        exchange.getResponseHeaders().put(new HttpString(InvokeAnswers.EXECUTED_VERSION), FunctionRef.LATEST);
        Replies.send(exchange, 202, requestId, null, new byte[0]);
    }

    /** Logs why an Event call was not stored (the queue's own words, which the caller does not get), once. */
    private static LambdaError refused(String function, String requestId, String problem, LambdaError answer) {
        LOG.warn("event=lambda_event_refused function={} request={} problem=\"{}\"", function, requestId, problem);
        return answer;
    }

    private static String details(String requestId) {
        return " (request " + requestId + "; the gateway's log has the details)";
    }

    /** On the exchange's IO thread, once the function route answered (or did not). */
    private static void answer(HttpServerExchange exchange, InvokeAnswers.Call call, Answer answer, Throwable failure) {
        String requestId = call.requestId();
        try {
            if (failure != null || answer == null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                LOG.warn("event=lambda_no_answer function={} request={} error=\"{}\"", call.function(), requestId,
                        String.valueOf(cause)); // a string: no stack trace for a call that broke off
                throw LambdaError.service("the gateway's function route gave no answer for " + call.function() + ": "
                        + (cause == null ? "none" : cause.getClass().getSimpleName()));
            }
            InvokeAnswers.Reply reply = InvokeAnswers.reply(answer, call);
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().put(new HttpString(name), value));
            Replies.send(exchange, 200, requestId, reply.contentType(), reply.body());
        } catch (LambdaError e) {
            Replies.error(exchange, requestId, e);
        } catch (RuntimeException e) {
            LOG.error("event=lambda_error function={} request={} error=\"{}\"", call.function(), requestId,
                    e.toString());
            Replies.error(exchange, requestId, LambdaError.service("internal error; the gateway's log has the details"
                    + " (request " + requestId + ")"));
        }
    }

    static String query(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }
}
