package dev.faas.cli.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A user and password for the gateway's basic auth (the /system/* routes). */
public record Credentials(String user, String password) {

    /** The value of an Authorization header. */
    public String basicAuthorization() {
        return "Basic " + token();
    }

    /** Base64 of user:password, as faas-cli keeps it in its config file. */
    public String token() {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException when the token is not base64 of user:password */
    public static Credentials fromToken(String token) {
        String decoded = new String(Base64.getDecoder().decode(token.strip()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("not user:password");
        }
        return new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    @Override
    public String toString() {
        return "Credentials[user=" + user + ", password=(hidden)]";
    }
}
