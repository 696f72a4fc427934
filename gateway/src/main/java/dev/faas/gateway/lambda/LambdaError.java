package dev.faas.gateway.lambda;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer in Lambda's error shape (rest-json, as botocore and AWS's SDKs read it): the status, the type in
 * {@code x-amzn-ErrorType}, and a body {@code {"Type": "User"|"Service", "message"|"Message": ...}} with the member
 * spelled as Lambda's model spells it for that type, plus the type's own members (e.g. {@code Reason}).
 */
final class LambdaError extends Exception {
    final int status;
    final String type;
    final Map<String, String> members;
    final Map<String, String> headers;

    private LambdaError(int status, String type, String message, Map<String, String> members,
                        Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.members = Map.copyOf(members);
        this.headers = Map.copyOf(headers);
    }

    private static LambdaError of(int status, String type, String message) {
        return new LambdaError(status, type, message, Map.of(), Map.of());
    }

    /** Who is at fault, as Lambda's bodies say it: the caller for 4xx, the service for 5xx. */
    String fault() {
        return status < 500 ? "User" : "Service";
    }

    /** Lambda's model names the message {@code Message} for these types and {@code message} for the others. */
    String messageMember() {
        return switch (type) {
            case "ResourceNotFoundException", "ServiceException", "ResourceConflictException" -> "Message";
            default -> "message";
        };
    }

    /** The body, in order: Type, the message, the type's members. */
    Map<String, String> body() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Type", fault());
        m.put(messageMember(), getMessage());
        m.putAll(members);
        return m;
    }

    // ---- the types this door answers ----

    static LambdaError notFound(String arn) {
        return of(404, "ResourceNotFoundException", "Function not found: " + arn);
    }

    static LambdaError invalidParameter(String message) {
        return of(400, "InvalidParameterValueException", message);
    }

    static LambdaError validation(String message) {
        return of(400, "ValidationException", message);
    }

    static LambdaError invalidContent(String message) {
        return of(400, "InvalidRequestContentException", message);
    }

    static LambdaError tooLarge(long max) {
        return of(413, "RequestTooLargeException", "Request must be smaller than " + max
                + " bytes for the InvokeFunction operation");
    }

    /**
     * The body did not arrive whole within body_timeout. Lambda's API has no such error; RequestTimeoutException
     * is the code AWS's services use for it, and the one botocore's and the SDKs' standard retry modes count as
     * transient: a client sends the call again, which is safe, as nothing ran.
     */
    static LambdaError bodyTimeout(long millis) {
        return of(408, "RequestTimeoutException", "the request body did not arrive whole within " + millis
                + " ms (the gateway's body_timeout): nothing was called, send it again");
    }

    static LambdaError tooManyRequests(String message) {
        return new LambdaError(429, "TooManyRequestsException", message,
                Map.of("Reason", "ConcurrentInvocationLimitExceeded"), Map.of("Retry-After", "1"));
    }

    static LambdaError notReady(String message) {
        return of(502, "ResourceNotReadyException", message);
    }

    static LambdaError service(String message) {
        return of(500, "ServiceException", message);
    }

    /** What the door needs is away (the queue's NATS, the orchestrator): 503, in ServiceException's shape. */
    static LambdaError unavailable(String message) {
        return of(503, "ServiceException", message);
    }

    static LambdaError unknownOperation(String method, String path) {
        return of(404, "UnknownOperationException", "Unknown operation: " + method + " " + path
                + " (this gateway serves Invoke, ListFunctions, GetFunction and GetFunctionConfiguration of the"
                + " 2015-03-31 API)");
    }

    // ---- authentication ----

    static LambdaError missingToken() {
        return of(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
    }

    static LambdaError unrecognizedClient(String message) {
        return of(403, "UnrecognizedClientException", message);
    }

    static LambdaError invalidSignature(String message) {
        return of(403, "InvalidSignatureException", message);
    }

    static LambdaError incompleteSignature(String message) {
        return of(403, "IncompleteSignatureException", message);
    }
}
