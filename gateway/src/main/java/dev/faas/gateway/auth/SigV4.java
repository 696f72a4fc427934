package dev.faas.gateway.auth;

import dev.faas.common.Printable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * AWS Signature Version 4 in its header form ({@code Authorization: AWS4-HMAC-SHA256 Credential=...,
 * SignedHeaders=..., Signature=...}: {@link SigV4Authorization}), checked as AWS's services check it, for one
 * service and region: the signature over the canonical request ({@link CanonicalRequest}) and the hex SHA-256 of the
 * body, or the same hash as {@code X-Amz-Content-Sha256} says it ({@link SigV4Signature}). A signature is compared in
 * time that does not depend on where it differs. The date may be at most {@link #MAX_SKEW} from the clock's.
 * <p>
 * Refused: {@code X-Amz-Content-Sha256: UNSIGNED-PAYLOAD} (no AWS client sends it for Lambda's API, and with it a
 * captured request could carry another body), presigned URLs (the signature in the query) and chunk-signed bodies.
 * <p>
 * Checking is in two steps, because the body is needed only for the last: {@link #check} reads the head (format,
 * scope, date, key, the payload's hash header) and {@link Pending#verify} the body.
 */
public final class SigV4 {
    public static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    public static final Duration MAX_SKEW = Duration.ofMinutes(15);
    static final DateTimeFormatter BASIC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final AccessKeys keys;
    private final String service;
    private final String region;
    private final Clock clock;

    public SigV4(AccessKeys keys, String service, String region, Clock clock) {
        this.keys = keys;
        this.service = service;
        this.region = region;
        this.clock = clock;
    }

    /** Why a request was refused; the message says it in AWS's words where AWS has them. */
    public enum Problem {
        /** the Authorization header or the date is missing parts or malformed (IncompleteSignatureException) */
        INCOMPLETE,
        /** the access key id is not one of the keys (UnrecognizedClientException) */
        UNKNOWN_KEY,
        /** the scope, the date, the payload's hash or the signature is wrong (InvalidSignatureException) */
        INVALID
    }

    public static final class Refusal extends Exception {
        private final Problem problem;

        Refusal(Problem problem, String message) {
            super(message, null, false, false);
            this.problem = problem;
        }

        public Problem problem() {
            return problem;
        }
    }

    /** A request whose head passed; {@link #verify} with its body finishes the check. */
    public static final class Pending {
        private final SigV4Request request;
        private final SigV4Authorization auth;
        private final String timestamp;
        private final byte[] secret;
        /** What X-Amz-Content-Sha256 says, or null when the request has none. */
        private final String claimedHash;

        private Pending(SigV4Request request, SigV4Authorization auth, String timestamp, byte[] secret,
                        String claimedHash) {
            this.request = request;
            this.auth = auth;
            this.timestamp = timestamp;
            this.secret = secret;
            this.claimedHash = claimedHash;
        }

        public String keyId() {
            return auth.keyId();
        }

        /** Checks the signature over the request and this body; returns normally when it is right. */
        public void verify(byte[] body) throws Refusal {
            String computed = SigV4Signature.hex(SigV4Signature.sha256(body));
            if (claimedHash != null && !claimedHash.equalsIgnoreCase(computed)) {
                throw new Refusal(Problem.INVALID,
                        "The provided 'x-amz-content-sha256' header does not match what was computed.");
            }
            String canonical = CanonicalRequest.of(request, auth.signedHeaders(),
                    claimedHash == null ? computed : claimedHash);
            String expected = SigV4Signature.of(secret, auth.date(), auth.region(), auth.service(),
                    SigV4Signature.stringToSign(timestamp, auth.scope(), canonical));
            if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    auth.signature().getBytes(StandardCharsets.US_ASCII))) {
                throw new Refusal(Problem.INVALID, "The request signature we calculated does not match the signature"
                        + " you provided. Check your AWS Secret Access Key and signing method.");
            }
        }
    }

    /**
     * Checks everything but the signature itself: the header's format, that {@code host} is signed, the scope's
     * service and region, the date (present, the credential's day, within {@link #MAX_SKEW}), the key, and
     * that X-Amz-Content-Sha256, when sent, is a hash.
     */
    public Pending check(SigV4Request request, String authorization) throws Refusal {
        SigV4Authorization auth = SigV4Authorization.parse(authorization);
        if (!auth.signedHeaders().contains("host")) {
            throw new Refusal(Problem.INCOMPLETE, "'Host' must be a 'SignedHeader' in the AWS Authorization.");
        }
        String timestamp = request.timestamp();
        if (!timestamp.startsWith(auth.date())) {
            throw new Refusal(Problem.INVALID, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version"
                    + " of date from HTTP: '" + auth.date() + "' != '" + timestamp.substring(0, 8) + "', from '"
                    + timestamp + "'.");
        }
        if (!auth.service().equals(service)) {
            throw new Refusal(Problem.INVALID, "Credential should be scoped to correct service: '" + service + "'.");
        }
        if (!auth.region().equals(region)) {
            throw new Refusal(Problem.INVALID, "Credential should be scoped to a valid region, not '"
                    + printable(auth.region()) + "'. This endpoint's region is '" + region + "'.");
        }
        Instant signed = Instant.from(BASIC.parse(timestamp));
        Instant now = clock.instant();
        if (signed.isBefore(now.minus(MAX_SKEW))) {
            throw new Refusal(Problem.INVALID, "Signature expired: " + timestamp + " is now earlier than "
                    + BASIC.format(now.minus(MAX_SKEW)) + " (" + BASIC.format(now) + " - 15 min.)");
        }
        if (signed.isAfter(now.plus(MAX_SKEW))) {
            throw new Refusal(Problem.INVALID, "Signature not yet current: " + timestamp + " is still later than "
                    + BASIC.format(now.plus(MAX_SKEW)) + " (" + BASIC.format(now) + " + 15 min.)");
        }
        byte[] secret = keys.secret(auth.keyId());
        if (secret == null) {
            throw new Refusal(Problem.UNKNOWN_KEY, "The security token included in the request is invalid.");
        }
        return new Pending(request, auth, timestamp, secret, request.claimedHash());
    }

    /** A caller's text made safe to echo in one line. */
    static String printable(String s) {
        return Printable.of(s, 64);
    }
}
