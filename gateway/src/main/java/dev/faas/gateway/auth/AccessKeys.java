package dev.faas.gateway.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * AWS access keys (an access key id and its secret access key) that SigV4-signed calls are checked against, read
 * from Docker secrets named by {@code lambda_access_keys}. Each secret holds lines {@code <access key id>:<secret
 * access key>}; blank lines and lines starting with '#' are left out. A secret that cannot be read, holds no key, or
 * has a malformed line stops the gateway's start with a message naming the file and the line, never its text.
 */
public final class AccessKeys {
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    static final int MIN_SECRET = 16;
    private final Map<String, byte[]> secrets;

    private AccessKeys(Map<String, byte[]> secrets) {
        this.secrets = Map.copyOf(secrets);
    }

    public static AccessKeys none() {
        return new AccessKeys(Map.of());
    }

    /** The keys in {@code names} (secrets) under {@code directory}. */
    public static AccessKeys load(Path directory, List<String> names) {
        Map<String, byte[]> all = new HashMap<>();
        for (String name : names) {
            Path file = directory.resolve(name);
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file + " (lambda_access_keys names it): create the"
                        + " secret and give it to the gateway, or remove it from lambda_access_keys");
            }
            read(file.toString(), text, all);
        }
        return new AccessKeys(all);
    }

    /** The keys of one secret's text ({@code where} names it in messages). */
    static AccessKeys parse(String where, String text) {
        Map<String, byte[]> keys = new HashMap<>();
        read(where, text, keys);
        return new AccessKeys(keys);
    }

    private static void read(String where, String text, Map<String, byte[]> into) {
        String[] lines = text.split("\r?\n", -1);
        int found = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String at = where + " line " + (i + 1);
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new IllegalStateException(at + " is not <access key id>:<secret access key>");
            }
            String id = line.substring(0, colon).strip();
            String secret = line.substring(colon + 1).strip();
            if (!KEY_ID.matcher(id).matches()) {
                throw new IllegalStateException(at + ": the access key id must be 1 to 128 letters, digits, '_', '.'"
                        + " or '-' (as AKIA... keys are)");
            }
            if (secret.length() < MIN_SECRET || secret.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalStateException(at + ": the secret access key of " + id + " must be at least "
                        + MIN_SECRET + " characters without spaces (e.g. head -c 30 /dev/urandom | base64)");
            }
            if (into.putIfAbsent(id, secret.getBytes(StandardCharsets.UTF_8)) != null) {
                throw new IllegalStateException(at + ": the access key id " + id + " is listed twice");
            }
            found++;
        }
        if (found == 0) {
            throw new IllegalStateException(where + " holds no access key: write <access key id>:<secret access key>"
                    + " lines in it, or remove it from lambda_access_keys");
        }
    }

    /** The secret access key of {@code keyId}, or null when it is not one of these. */
    byte[] secret(String keyId) {
        return secrets.get(keyId);
    }

    public int size() {
        return secrets.size();
    }
}
