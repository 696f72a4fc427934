package dev.faas.gateway.lambda;

import dev.faas.gateway.auth.Credentials;
import dev.faas.gateway.auth.SigV4;
import dev.faas.gateway.auth.SigV4Authorization;
import dev.faas.gateway.auth.SigV4Request;
import dev.faas.gateway.routing.FunctionRouter;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call the door: a SigV4 signature with one of {@code lambda_access_keys} (AWS's clients), or the gateway's
 * basic auth (the admin); with {@code lambda_allow_unsigned}, also a call with no Authorization at all (a signed
 * one is still checked). Any other Authorization is refused. Refusals are 403s in AWS's words.
 * <p>
 * Two steps, as the signature covers the body: {@link #head} refuses what it can before the body is read (nothing
 * to sign with, an unknown key, a wrong scope or date, an unsigned payload), {@link Check#body} checks the signature
 * once it is. Log lines quote the request's path as {@link Replies#printable} makes it safe.
 */
final class LambdaAuth {
    private static final Logger LOG = LoggerFactory.getLogger(LambdaAuth.class);

    private final SigV4 sigV4;
    private final Credentials admin;
    private final boolean allowUnsigned;

    /**
     * @param admin the gateway's basic-auth credentials, or null when basic_auth is off (a Basic header is refused)
     */
    LambdaAuth(SigV4 sigV4, Credentials admin, boolean allowUnsigned) {
        this.sigV4 = sigV4;
        this.admin = admin;
        this.allowUnsigned = allowUnsigned;
    }

    /** What is left to check once the body is read. */
    interface Check {
        void body(byte[] body) throws LambdaError;
    }

    private static final Check PASSED = body -> { };

    Check head(HttpServerExchange exchange) throws LambdaError {
        String authorization = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (authorization == null || authorization.isBlank()) {
            if (allowUnsigned) {
                return PASSED;
            }
            throw LambdaError.missingToken();
        }
        if (SigV4Authorization.isSigV4(authorization)) {
            SigV4.Pending pending;
            try {
                pending = sigV4.check(request(exchange), authorization);
            } catch (SigV4.Refusal r) {
                throw refused(exchange, r, null);
            }
            return body -> {
                try {
                    pending.verify(body);
                } catch (SigV4.Refusal r) {
                    throw refused(exchange, r, pending.keyId());
                }
            };
        }
        if (authorization.strip().regionMatches(true, 0, "Basic ", 0, 6)) {
            if (admin != null && admin.accepts(authorization)) {
                return PASSED;
            }
            LOG.info("event=lambda_auth_refused reason=basic_auth path=\"{}\"", Replies.printable(exchange.getRequestPath()));
            throw LambdaError.unrecognizedClient(admin == null
                    ? "Basic auth is off on this gateway (basic_auth=false): sign the call with an access key"
                    + " (lambda_access_keys)"
                    : "The user or password is not the gateway's (basic-auth-user, basic-auth-password).");
        }
        throw LambdaError.incompleteSignature("Authorization header requires 'Credential' parameter. Authorization"
                + " header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter."
                + " (this door takes AWS4-HMAC-SHA256 signatures, or the gateway's basic auth)");
    }

    private static LambdaError refused(HttpServerExchange exchange, SigV4.Refusal r, String keyId) {
        LOG.info("event=lambda_auth_refused reason={} key={} path=\"{}\" problem=\"{}\"", r.problem(),
                keyId == null ? "-" : keyId, Replies.printable(exchange.getRequestPath()), r.getMessage());
        return switch (r.problem()) {
            case INCOMPLETE -> LambdaError.incompleteSignature(r.getMessage());
            case UNKNOWN_KEY -> LambdaError.unrecognizedClient(r.getMessage());
            case INVALID -> LambdaError.invalidSignature(r.getMessage());
        };
    }

    /** The request as it came: the path and query still encoded, every header. */
    static SigV4Request request(HttpServerExchange exchange) {
        Map<String, List<String>> headers = new HashMap<>();
        for (HeaderValues values : exchange.getRequestHeaders()) {
            headers.computeIfAbsent(values.getHeaderName().toString(), k -> new ArrayList<>()).addAll(values);
        }
        return new SigV4Request(exchange.getRequestMethod().toString(), FunctionRouter.rawPath(exchange),
                exchange.getQueryString(), headers);
    }
}
