package dev.faas.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The client's side of SigV4, for tests: the Authorization header an AWS client sends. */
public final class SigV4Client {
    private SigV4Client() {}

    /**
     * The Authorization header a client sends for {@code request} and {@code body}, signing {@code signedHeaders}
     * (lower case, sorted, {@code host} and {@code x-amz-date} among them) at {@code timestamp}
     * ({@code yyyyMMdd'T'HHmmss'Z'}, as the request's X-Amz-Date says).
     */
    public static String authorization(SigV4Request request, List<String> signedHeaders, byte[] body, String keyId,
                                       String secret, String region, String service, String timestamp) {
        String date = timestamp.substring(0, 8);
        String scope = SigV4Signature.scope(date, region, service);
        String canonical = CanonicalRequest.of(request, signedHeaders,
                SigV4Signature.hex(SigV4Signature.sha256(body)));
        String signature = SigV4Signature.of(secret.getBytes(StandardCharsets.UTF_8), date, region, service,
                SigV4Signature.stringToSign(timestamp, scope, canonical));
        return SigV4Authorization.ALGORITHM + " Credential=" + keyId + "/" + scope + ", SignedHeaders="
                + String.join(";", signedHeaders) + ", Signature=" + signature;
    }
}
