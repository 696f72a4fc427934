package dev.faas.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature over a canonical request, step by step in AWS's names: the string to sign, the signing key derived
 * from the secret for one day, region and service, and their HMAC-SHA256, in lower-case hex.
 */
final class SigV4Signature {
    private static final HexFormat HEX = HexFormat.of();

    private SigV4Signature() {}

    /** {@code <date>/<region>/<service>/aws4_request}. */
    static String scope(String date, String region, String service) {
        return date + "/" + region + "/" + service + "/aws4_request";
    }

    static String stringToSign(String timestamp, String scope, String canonicalRequest) {
        return SigV4Authorization.ALGORITHM + "\n" + timestamp + "\n" + scope + "\n"
                + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] signingKey(byte[] secret, String date, String region, String service) {
        byte[] k = new byte[secret.length + 4];
        System.arraycopy("AWS4".getBytes(StandardCharsets.US_ASCII), 0, k, 0, 4);
        System.arraycopy(secret, 0, k, 4, secret.length);
        k = hmac(k, date);
        k = hmac(k, region);
        k = hmac(k, service);
        return hmac(k, "aws4_request");
    }

    /** The signature, in hex. */
    static String of(byte[] secret, String date, String region, String service, String stringToSign) {
        return hex(hmac(signingKey(secret, date, region, service), stringToSign));
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }
}
