package dev.faas.gateway.auth;

import dev.faas.gateway.auth.SigV4.Problem;
import dev.faas.gateway.auth.SigV4.Refusal;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A request as it was received, for {@link SigV4}, and what its headers say of the signature's date and the
 * payload's hash.
 *
 * @param rawPath  the path as sent, still percent-encoded, without the query
 * @param rawQuery the query as sent, without '?' ("" when none)
 * @param headers  every header, by name in any case, its values in the order received
 */
public record SigV4Request(String method, String rawPath, String rawQuery, Map<String, List<String>> headers) {
    private static final Pattern HASH = Pattern.compile("[0-9a-fA-F]{64}");

    public SigV4Request {
        TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((k, v) -> h.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        headers = h;
        rawQuery = rawQuery == null ? "" : rawQuery;
    }

    /** The first value of a header, or null. */
    String first(String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** X-Amz-Content-Sha256 when it is a hash; null without one; refused when it is anything else. */
    String claimedHash() throws Refusal {
        String claimed = first("x-amz-content-sha256");
        if (claimed == null) {
            return null;
        }
        claimed = claimed.strip();
        if (claimed.equals(SigV4.UNSIGNED_PAYLOAD)) {
            throw new Refusal(Problem.INVALID, "x-amz-content-sha256: " + SigV4.UNSIGNED_PAYLOAD + " is not"
                    + " accepted: the payload must be signed. Send the body's hex SHA-256 in x-amz-content-sha256, or"
                    + " leave the header out (AWS's clients sign an Invoke's payload).");
        }
        if (!HASH.matcher(claimed).matches()) {
            throw new Refusal(Problem.INCOMPLETE, "x-amz-content-sha256 must be the body's hex SHA-256"
                    + " (chunk-signed bodies are not accepted).");
        }
        return claimed;
    }

    /** X-Amz-Date, else the Date header, as {@code yyyyMMdd'T'HHmmss'Z'}. */
    String timestamp() throws Refusal {
        String amz = first("x-amz-date");
        if (amz != null) {
            String t = amz.strip();
            try {
                SigV4.BASIC.parse(t);
                return t;
            } catch (DateTimeParseException e) {
                throw new Refusal(Problem.INCOMPLETE, "Date must be in ISO-8601 'basic format'. Got '"
                        + SigV4.printable(t) + "'.");
            }
        }
        String date = first("date");
        if (date == null) {
            throw new Refusal(Problem.INCOMPLETE,
                    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        try {
            return SigV4.BASIC.format(ZonedDateTime.parse(date.strip(), DateTimeFormatter.RFC_1123_DATE_TIME));
        } catch (DateTimeParseException e) {
            throw new Refusal(Problem.INCOMPLETE, "Date must be an HTTP date or X-Amz-Date given. Got '"
                    + SigV4.printable(date) + "'.");
        }
    }
}
