package dev.faas.gateway.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.gateway.queue.Answer;
import dev.faas.gateway.queue.Header;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an Invoke answers for each answer of the function route: the function's, or the gateway's own. */
class InvokeAnswersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:fn";
    private static final InvokeAnswers.Call CALL = new InvokeAnswers.Call("fn", ARN, "req-1", false, 1000,
            Duration.ofSeconds(60));

    private static Answer answer(int status, String body, Header... headers) {
        return new Answer(status, List.of(headers), body.getBytes(StandardCharsets.UTF_8), 0.1);
    }

    /** An answer the gateway wrote itself: marked X-Faas-Error. */
    private static LambdaError gateway(int status, String reason, String text) {
        return assertThrows(LambdaError.class, () -> InvokeAnswers.reply(answer(status, text + "\n",
                new Header("X-Faas-Error", reason)), CALL), text);
    }

    private static JsonNode body(InvokeAnswers.Reply r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void aSuccessIsTheFunctionsBodyAndContentType() throws Exception {
        InvokeAnswers.Reply r = InvokeAnswers.reply(answer(200, "hello", new Header("Content-Type", "text/plain"),
                new Header("X-Amz-Log-Result", "bG9n")), CALL);
        assertEquals("hello", new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("text/plain", r.contentType());
        assertEquals("$LATEST", r.headers().get("X-Amz-Executed-Version"));
        assertNull(r.headers().get("X-Amz-Log-Result"), "not asked for");
        assertNull(r.headers().get("X-Amz-Function-Error"));
        assertEquals("application/json", InvokeAnswers.reply(answer(202, "{}"), CALL).contentType());
    }

    @Test
    void anAnswerWithXAmzFunctionErrorIsPassedOnWhateverItsStatus() throws Exception {
        InvokeAnswers.Call tail = new InvokeAnswers.Call("fn", ARN, "req-1", true, 1000, Duration.ofSeconds(60));
        for (int status : new int[] {500, 502, 503, 504}) {
            InvokeAnswers.Reply r = InvokeAnswers.reply(answer(status, "{\"errorType\":\"Runtime.ExitError\"}",
                    new Header("x-amz-function-error", "Unhandled"), new Header("X-Amz-Log-Result", "bG9n")), tail);
            assertEquals("Unhandled", r.headers().get("X-Amz-Function-Error"), "status " + status);
            assertEquals("bG9n", r.headers().get("X-Amz-Log-Result"));
            assertEquals("Runtime.ExitError", body(r).path("errorType").asText());
        }
    }

    @Test
    void anotherFunctionsErrorIsUnhandledWithItsTextCutTo4K() throws Exception {
        InvokeAnswers.Reply r = InvokeAnswers.reply(answer(500, "exit status 2\n" + "x".repeat(5000)), CALL);
        assertEquals("Unhandled", r.headers().get("X-Amz-Function-Error"));
        assertEquals("Function.Error500", body(r).path("errorType").asText());
        assertEquals(4096, body(r).path("errorMessage").asText().length());
        assertEquals("Function.Error504", body(InvokeAnswers.reply(answer(504,
                "exec_timeout (2s) reached: process killed\n"), CALL)).path("errorType").asText());
        assertEquals("Function.Error404", body(InvokeAnswers.reply(answer(404, "no such page"), CALL))
                .path("errorType").asText(), "a 404 of the function's own is its error, not an unknown function");
        assertEquals("Function.ResponseSizeTooLarge", body(InvokeAnswers.reply(answer(200, "y".repeat(1001)), CALL))
                .path("errorType").asText());
    }

    @Test
    void theGatewaysOwnAnswersAreLambdasErrors() {
        LambdaError gone = gateway(404, "not_found", "function \"fn\" not found");
        assertEquals("ResourceNotFoundException", gone.type);
        assertEquals("Function not found: arn:aws:lambda:us-east-1:000000000000:function:fn", gone.getMessage());
        assertEquals("ResourceNotFoundException", gateway(404, "not_found",
                "function fn was removed while the call waited").type);
        LambdaError busy = gateway(503, "busy", "function \"fn\" is busy: every connection to its replicas is in"
                + " use and 1000 calls already wait (upstream_queue); try again shortly");
        assertEquals(429, busy.status);
        assertEquals("TooManyRequestsException", busy.type);
        assertEquals("ConcurrentInvocationLimitExceeded", busy.members.get("Reason"));
        assertEquals(429, gateway(503, "busy", "function fn is starting and 1000 calls wait for it already"
                + " (scale_from_zero_queue): try again shortly").status);
        assertEquals("ResourceNotReadyException", gateway(503, "not_ready", "no ready replica of this function").type);
        assertEquals("ResourceNotReadyException", gateway(504, "not_ready", "function fn did not become ready within"
                + " 30s (scale_from_zero_timeout)").type);
        assertEquals("ServiceException", gateway(502, "unreachable", "could not reach function \"fn\"").type);
        assertEquals(500, gateway(400, "bad_request", "invalid function name \"x y\": use letters").status);
        assertEquals(500, gateway(408, "body_timeout", "request body did not arrive whole").status);
        LambdaError tooLarge = gateway(413, "too_large", "request body is larger than max_body (1048576 bytes)");
        assertEquals("RequestTooLargeException", tooLarge.type);
        assertEquals("Request must be smaller than 1048576 bytes for the InvokeFunction operation", tooLarge.getMessage());
        LambdaError newer = gateway(503, "some_later_reason", "something new");
        assertEquals("ServiceException", newer.type);
        assertTrue(newer.getMessage().contains("req-1"), newer.getMessage());
    }

    @Test
    void aReplicaThatCannotStartIsNotReadyWithoutTheOrchestratorsWords() {
        for (String reason : new String[] {"cannot_start", "not_ready"}) {
            LambdaError e = gateway(503, reason, "function fn cannot start a replica: No such image: registry.internal"
                    + "/team/fn:abc");
            assertEquals(502, e.status);
            assertEquals("ResourceNotReadyException", e.type);
            assertFalse(e.getMessage().contains("registry.internal"), e.getMessage());
            assertTrue(e.getMessage().contains("req-1"), "names the request, for the log: " + e.getMessage());
        }
    }

    @Test
    void theGatewaysUpstreamTimeoutIsReportedAsLambdaReportsATimeout() throws Exception {
        InvokeAnswers.Reply r = InvokeAnswers.reply(answer(504, "function \"fn\" did not answer within 60 s\n",
                new Header("X-Faas-Error", "timeout")), CALL);
        assertEquals("Unhandled", r.headers().get("X-Amz-Function-Error"));
        assertEquals("Sandbox.Timedout", body(r).path("errorType").asText());
        assertEquals("RequestId: req-1 Error: Task timed out after 60.00 seconds (the gateway's upstream_timeout)",
                body(r).path("errorMessage").asText());
    }

    @Test
    void withoutXFaasErrorTheGatewaysOwnWordsAreTheFunctions() throws Exception {
        // The gateway's texts, sent by a function: its own errors, whatever they say.
        for (int status : new int[] {404, 502, 503, 504}) {
            String text = switch (status) {
                case 404 -> "function \"fn\" not found";
                case 502 -> "could not reach function \"fn\"";
                case 503 -> "function \"fn\" is busy: every connection to its replicas is in use";
                default -> "function \"fn\" did not answer within 60 s";
            };
            InvokeAnswers.Reply r = InvokeAnswers.reply(answer(status, text), CALL);
            assertEquals("Unhandled", r.headers().get("X-Amz-Function-Error"), text);
            assertEquals("Function.Error" + status, body(r).path("errorType").asText(), text);
        }
        assertEquals("Function.Error503", body(InvokeAnswers.reply(answer(503, "maintenance"), CALL))
                .path("errorType").asText());
    }

    @Test
    void aFunctionsOwn429IsItsErrorButTheWatchdogsAdmissionIsAThrottle() throws Exception {
        assertEquals("Function.Error429", body(InvokeAnswers.reply(answer(429, "slow down"), CALL))
                .path("errorType").asText(), "a function's own 429 is not TooManyRequestsException");
        assertEquals("Function.Error429", body(InvokeAnswers.reply(answer(429, "too many requests in flight"
                + " (max_inflight=1); retry later", new Header("X-Amzn-RequestId", "r")), CALL))
                .path("errorType").asText(), "mode=lambda's handler answered it: the function's");
        LambdaError admission = assertThrows(LambdaError.class, () -> InvokeAnswers.reply(answer(429,
                "too many requests in flight (max_inflight=1); retry later\n"), CALL));
        assertEquals(429, admission.status);
        assertEquals("TooManyRequestsException", admission.type);
        LambdaError tooLarge = assertThrows(LambdaError.class, () -> InvokeAnswers.reply(answer(413,
                "request body is larger than max_body_size (1048576 bytes)\n"), CALL), "the watchdog's limit");
        assertEquals("Request must be smaller than 1048576 bytes for the InvokeFunction operation", tooLarge.getMessage());
    }
}
