package dev.faas.gateway.auth;

import dev.faas.gateway.auth.SigV4.Problem;
import dev.faas.gateway.auth.SigV4.Refusal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The parts of an {@code AWS4-HMAC-SHA256} Authorization header: {@code Credential=<key id>/<yyyyMMdd>/<region>/
 * <service>/aws4_request, SignedHeaders=<name>;..., Signature=<64 hex digits>}, the signed headers lower-cased.
 */
public record SigV4Authorization(String keyId, String date, String region, String service,
                                 List<String> signedHeaders, String signature) {
    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final Pattern DATE = Pattern.compile("[0-9]{8}");
    private static final Pattern SIGNATURE = Pattern.compile("[0-9a-fA-F]{64}");

    public SigV4Authorization {
        signedHeaders = List.copyOf(signedHeaders);
    }

    /** Whether the header names this algorithm (so it is parsed, not taken for another scheme). */
    public static boolean isSigV4(String header) {
        return header != null && header.strip().regionMatches(true, 0, ALGORITHM, 0, ALGORITHM.length());
    }

    /** The credential's scope: {@code <date>/<region>/<service>/aws4_request}. */
    String scope() {
        return SigV4Signature.scope(date, region, service);
    }

    /** @throws Refusal INCOMPLETE for a parameter missing or malformed, in AWS's words */
    static SigV4Authorization parse(String header) throws Refusal {
        String rest = header.strip().substring(ALGORITHM.length());
        String credential = null;
        String signed = null;
        String signature = null;
        for (String part : rest.split(",")) {
            String p = part.strip();
            int eq = p.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String name = p.substring(0, eq).strip();
            String value = p.substring(eq + 1).strip();
            switch (name) {
                case "Credential" -> credential = value;
                case "SignedHeaders" -> signed = value;
                case "Signature" -> signature = value;
                default -> { }
            }
        }
        StringBuilder missing = new StringBuilder();
        for (String[] p : new String[][] {{"Credential", credential}, {"Signature", signature},
                {"SignedHeaders", signed}}) {
            if (p[1] == null || p[1].isEmpty()) {
                missing.append("Authorization header requires '").append(p[0]).append("' parameter. ");
            }
        }
        if (!missing.isEmpty()) {
            throw new Refusal(Problem.INCOMPLETE, missing.toString().strip());
        }
        String[] scope = credential.split("/", -1);
        if (scope.length != 5 || scope[0].isEmpty() || !DATE.matcher(scope[1]).matches() || scope[2].isEmpty()
                || scope[3].isEmpty() || !scope[4].equals("aws4_request")) {
            throw new Refusal(Problem.INCOMPLETE, "Credential should be of the form"
                    + " '<access key id>/<yyyyMMdd>/<region>/<service>/aws4_request'.");
        }
        List<String> names = new ArrayList<>();
        for (String n : signed.split(";", -1)) {
            if (n.isEmpty()) {
                throw new Refusal(Problem.INCOMPLETE, "SignedHeaders has an empty header name.");
            }
            names.add(n.toLowerCase(Locale.ROOT));
        }
        if (!SIGNATURE.matcher(signature).matches()) {
            throw new Refusal(Problem.INCOMPLETE, "Signature should be 64 hexadecimal digits.");
        }
        return new SigV4Authorization(scope[0], scope[1], scope[2], scope[3], names,
                signature.toLowerCase(Locale.ROOT));
    }
}
