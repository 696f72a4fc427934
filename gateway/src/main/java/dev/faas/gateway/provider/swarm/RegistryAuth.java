package dev.faas.gateway.provider.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.ManagementException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * A deploy's {@code registryAuth} turned into Docker's {@code X-Registry-Auth} header. OpenFaaS sends base64 of
 * {@code user:password} (what {@code faas-cli --registry-auth} makes); Docker wants base64url of a JSON auth config
 * {@code {"username","password","serveraddress"}}, so this translates, with the image's registry as the server.
 * A value that already decodes to such a JSON config (what Docker's own clients send) is taken as it is.
 * <p>It holds a password: {@link #toString()} says only whether there is one, and no message here quotes it.
 */
final class RegistryAuth {
    static final String HEADER = "X-Registry-Auth";
    static final RegistryAuth NONE = new RegistryAuth("");

    private static final String MALFORMED = "registryAuth is not base64 user:password (make it with: "
            + "echo -n user:password | base64)";
    /** Docker's auth config fields; others (email, auth once decoded) are not sent on. */
    private static final String[] FIELDS = {"username", "password", "serveraddress", "identitytoken", "registrytoken"};

    private final String encoded;

    private RegistryAuth(String encoded) {
        this.encoded = encoded;
    }

    /**
     * @param registryAuth the request's field: empty or blank for none
     * @param registry     the registry the image comes from ({@link ImageNames#registry})
     */
    static RegistryAuth parse(String registryAuth, String registry) throws ManagementException {
        if (registryAuth == null || registryAuth.isBlank()) {
            return NONE;
        }
        String text = decode(registryAuth);
        ObjectNode config = text.startsWith("{") ? fromJson(text) : fromUserPassword(text);
        if (config.path("serveraddress").asText("").isEmpty()) {
            config.put("serveraddress", ImageNames.serverAddress(registry));
        }
        try {
            // URL-safe with padding: the daemon decodes it with Go's base64.URLEncoding, which wants the padding.
            return new RegistryAuth(Base64.getUrlEncoder().encodeToString(DockerRest.JSON.writeValueAsBytes(config)));
        } catch (IOException e) {
            throw new IllegalStateException("an ObjectNode always serialises", e);
        }
    }

    boolean given() {
        return !encoded.isEmpty();
    }

    /** The header for Docker calls that reach the registry: none when no credentials were given. */
    Map<String, String> headers() {
        return given() ? Map.of(HEADER, encoded) : Map.of();
    }

    @Override
    public String toString() {
        return given() ? "RegistryAuth[given]" : "RegistryAuth[none]";
    }

    /**
     * Standard or URL-safe alphabet, padding optional, line breaks ignored (base64 tools wrap at 76). A trailing
     * newline in the decoded text is dropped: {@code echo user:password | base64} (without -n) puts one there, and
     * a password never ends with one.
     */
    private static String decode(String value) throws ManagementException {
        String alphabet = value.replaceAll("\\s", "").replace('-', '+').replace('_', '/');
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(alphabet);
        } catch (IllegalArgumentException e) {
            throw invalid(MALFORMED);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw invalid(MALFORMED);
        }
        text = text.replaceFirst("\r?\n$", "");
        if (text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw invalid(MALFORMED);
        }
        return text;
    }

    private static ObjectNode fromUserPassword(String text) throws ManagementException {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw invalid(MALFORMED);
        }
        return DockerRest.JSON.createObjectNode()
                .put("username", text.substring(0, colon))
                .put("password", text.substring(colon + 1));
    }

    /** Docker's JSON auth config, its keys in any case (Go's decoder ignores case); it must carry a credential. */
    private static ObjectNode fromJson(String text) throws ManagementException {
        JsonNode json;
        try {
            json = DockerRest.JSON.readTree(text);
        } catch (IOException e) {
            throw invalid(MALFORMED);
        }
        if (!json.isObject()) {
            throw invalid(MALFORMED);
        }
        ObjectNode config = DockerRest.JSON.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            for (String field : FIELDS) {
                if (field.equalsIgnoreCase(e.getKey()) && e.getValue().isTextual()) {
                    config.put(field, e.getValue().asText());
                }
            }
            if ("auth".equalsIgnoreCase(e.getKey()) && e.getValue().isTextual() && !e.getValue().asText().isEmpty()) {
                // A config file's form: "auth" is base64 user:password itself.
                config.setAll(fromUserPassword(decode(e.getValue().asText())));
            }
        }
        boolean credential = !config.path("username").asText("").isEmpty()
                || !config.path("identitytoken").asText("").isEmpty()
                || !config.path("registrytoken").asText("").isEmpty();
        if (!credential) {
            throw invalid(MALFORMED + "; a JSON auth config needs a username and password");
        }
        return config;
    }

    private static ManagementException invalid(String message) {
        return new ManagementException(Reason.INVALID, message);
    }
}
