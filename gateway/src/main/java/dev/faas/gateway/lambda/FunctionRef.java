package dev.faas.gateway.lambda;

import dev.faas.gateway.routing.FunctionNames;
import java.util.regex.Pattern;

/**
 * A {@code FunctionName} as Lambda's API takes it, read into our function's name and a qualifier: a name
 * ({@code my-fn}), a name with a qualifier ({@code my-fn:$LATEST}), a partial ARN
 * ({@code 000000000000:function:my-fn}), or a full ARN ({@code arn:aws:lambda:us-east-1:000000000000:function:my-fn[:qualifier]}); and {@code ?Qualifier=}.
 * <p>
 * Names are the gateway's function names (its rule: {@link FunctionNames}). There are no versions or aliases here:
 * no qualifier or {@code $LATEST} is the function, any other is a 404 naming it. An ARN of another account or region
 * names a function that is not here: 404 too.
 *
 * @param name      the function's name
 * @param qualifier the qualifier, or "" when none was given
 */
record FunctionRef(String name, String qualifier) {
    static final String LATEST = "$LATEST";
    private static final Pattern QUALIFIER = Pattern.compile("\\$LATEST|[a-zA-Z0-9_-]{1,128}");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");

    /** Where the functions are: the account and region of their ARNs. */
    record Place(String region, String account) {
        String arn(String name) {
            return "arn:aws:lambda:" + region + ":" + account + ":function:" + name;
        }
    }

    boolean isLatest() {
        return qualifier.isEmpty() || qualifier.equals(LATEST);
    }

    /** This function's ARN, with the qualifier when one was given. */
    String arn(Place place) {
        return place.arn(name) + (qualifier.isEmpty() ? "" : ":" + qualifier);
    }

    /**
     * @param raw            the path's FunctionName, decoded
     * @param queryQualifier {@code ?Qualifier=}, or null
     * @throws LambdaError 400 for a malformed name or conflicting qualifiers, 404 for another account or region
     */
    static FunctionRef parse(String raw, String queryQualifier, Place place) throws LambdaError {
        if (raw == null || raw.isEmpty() || raw.length() > 256) {
            throw malformed(raw == null ? "" : raw);
        }
        String[] p = raw.split(":", -1);
        String name;
        String qualifier;
        boolean qualified;
        if (p[0].equals("arn")) {
            if (p.length < 7 || p.length > 8 || !p[1].startsWith("aws") || !p[2].equals("lambda")
                    || !p[5].equals("function") || !ACCOUNT.matcher(p[4]).matches()) {
                throw malformed(raw);
            }
            if (!p[3].equals(place.region()) || !p[4].equals(place.account())) {
                throw LambdaError.notFound(Replies.printable(raw) + " (this endpoint is region " + place.region()
                        + ", account " + place.account() + ")");
            }
            name = p[6];
            qualified = p.length == 8;
        } else if (p.length >= 3) {
            if (p.length > 4 || !ACCOUNT.matcher(p[0]).matches() || !p[1].equals("function")) {
                throw malformed(raw);
            }
            if (!p[0].equals(place.account())) {
                throw LambdaError.notFound(Replies.printable(raw) + " (this endpoint is account " + place.account()
                        + ")");
            }
            name = p[2];
            qualified = p.length == 4;
        } else {
            name = p[0];
            qualified = p.length == 2;
        }
        qualifier = qualified ? p[p.length - 1] : "";
        if (!FunctionNames.isValid(name)) {
            throw malformed(raw);
        }
        if (qualified && !QUALIFIER.matcher(qualifier).matches()) {
            throw LambdaError.validation("1 validation error detected: Value '" + Replies.printable(qualifier)
                    + "' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern:"
                    + " (|[a-zA-Z0-9$_-]+)");
        }
        if (queryQualifier != null && !queryQualifier.isEmpty()) {
            if (!QUALIFIER.matcher(queryQualifier).matches()) {
                throw LambdaError.validation("1 validation error detected: Value '"
                        + Replies.printable(queryQualifier) + "' at 'qualifier' failed to satisfy constraint: Member"
                        + " must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)");
            }
            if (!qualifier.isEmpty() && !qualifier.equals(queryQualifier)) {
                throw LambdaError.invalidParameter(
                        "The derived qualifier from the function name does not match the specified qualifier.");
            }
            qualifier = queryQualifier;
        }
        return new FunctionRef(name, qualifier);
    }

    private static LambdaError malformed(String raw) {
        return LambdaError.validation("1 validation error detected: Value '" + Replies.printable(raw) + "' at"
                + " 'functionName' failed to satisfy constraint: Member must be a function name (" + FunctionNames.RULE
                + "), optionally with :$LATEST, as a name, a partial ARN (<account>:function:<name>) or an ARN"
                + " (arn:aws:lambda:<region>:<account>:function:<name>)");
    }
}
