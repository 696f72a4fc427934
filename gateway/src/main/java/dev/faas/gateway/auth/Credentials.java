package dev.faas.gateway.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * The one user allowed on /system, read from the files {@code basic-auth-user} and {@code basic-auth-password}
 * (Docker secrets, so under /run/secrets by default). Surrounding whitespace in the files is ignored: a secret made
 * with {@code echo} ends with a newline.
 */
public final class Credentials {
    public static final String USER_FILE = "basic-auth-user";
    public static final String PASSWORD_FILE = "basic-auth-password";

    private final byte[] user;
    private final byte[] password;

    public Credentials(String user, String password) {
        this.user = user.getBytes(StandardCharsets.UTF_8);
        this.password = password.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads both files; a missing or empty one fails with a message that says what to create. */
    public static Credentials load(Path directory) {
        return new Credentials(read(directory, USER_FILE), read(directory, PASSWORD_FILE));
    }

    private static String read(Path directory, String name) {
        Path file = directory.resolve(name);
        String hint = "basic_auth=true needs the files " + directory.resolve(USER_FILE) + " and "
                + directory.resolve(PASSWORD_FILE) + " (e.g. Docker secrets: printf admin | docker secret create "
                + USER_FILE + " -), or set secret_mount_path to where they are, or basic_auth=false";
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                throw new IllegalStateException(file + " is empty; " + hint);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + "; " + hint);
        }
    }

    /**
     * Whether an Authorization header carries these credentials. Both parts are always compared in full, in time
     * that does not depend on where they differ.
     */
    public boolean accepts(String authorization) {
        byte[][] given = parse(authorization);
        if (given == null) {
            return false;
        }
        boolean userOk = MessageDigest.isEqual(user, given[0]);
        boolean passwordOk = MessageDigest.isEqual(password, given[1]);
        return userOk & passwordOk;
    }

    /** {@code Basic base64(user:password)} → {user, password}, or null when it is not that. */
    static byte[][] parse(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Basic")) {
            return null;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(value.substring(space + 1).strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
        for (int i = 0; i < decoded.length; i++) {
            if (decoded[i] == ':') {
                byte[] u = new byte[i];
                byte[] p = new byte[decoded.length - i - 1];
                System.arraycopy(decoded, 0, u, 0, i);
                System.arraycopy(decoded, i + 1, p, 0, p.length);
                return new byte[][] {u, p};
            }
        }
        return null;
    }
}
