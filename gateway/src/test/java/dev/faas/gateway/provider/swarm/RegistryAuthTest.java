package dev.faas.gateway.provider.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.ManagementException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryAuthTest {
    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The JSON Docker receives: base64url, padded, as Go's base64.URLEncoding decodes it. */
    private static JsonNode sent(RegistryAuth auth) throws Exception {
        String header = auth.headers().get("X-Registry-Auth");
        assertTrue(header.length() % 4 == 0, "padded: " + header);
        assertFalse(header.contains("+") || header.contains("/"), "URL-safe alphabet: " + header);
        return DockerRest.JSON.readTree(Base64.getUrlDecoder().decode(header));
    }

    private static String refusal(String registryAuth) {
        ManagementException e = assertThrows(ManagementException.class,
                () -> RegistryAuth.parse(registryAuth, "127.0.0.1:5000"));
        assertEquals(Reason.INVALID, e.reason());
        return e.getMessage();
    }

    @Test
    void openFaasUserColonPasswordBecomesDockersAuthConfigForTheImagesRegistry() throws Exception {
        JsonNode config = sent(RegistryAuth.parse(b64("alice:s3cr:t?>"), "127.0.0.1:5000"));
        assertEquals("alice", config.path("username").asText());
        assertEquals("s3cr:t?>", config.path("password").asText(), "the password is all after the first colon");
        assertEquals("127.0.0.1:5000", config.path("serveraddress").asText());
    }

    @Test
    void dockerHubCredentialsAreForItsV1Address() throws Exception {
        assertEquals("https://index.docker.io/v1/",
                sent(RegistryAuth.parse(b64("bob:pw"), "docker.io")).path("serveraddress").asText());
    }

    @Test
    void urlSafeUnpaddedWrappedOrEchoedWithANewlineIsAcceptedToo() throws Exception {
        String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString("u:p?>~".getBytes(StandardCharsets.UTF_8));
        assertEquals("p?>~", sent(RegistryAuth.parse(urlSafe, "r:1")).path("password").asText());
        String echoed = b64("u:pw\n"); // echo u:pw | base64, without -n
        assertEquals("pw", sent(RegistryAuth.parse(" " + echoed + "\n", "r:1")).path("password").asText());
    }

    @Test
    void aJsonAuthConfigIsTakenAsItIsWithItsOwnServerAddress() throws Exception {
        JsonNode config = sent(RegistryAuth.parse(b64("{\"Username\":\"u\",\"password\":\"p\",\"email\":\"e@x\","
                + "\"serveraddress\":\"reg.example:443\"}"), "127.0.0.1:5000"));
        assertEquals("u", config.path("username").asText(), "keys in any case, as Go decodes them");
        assertEquals("p", config.path("password").asText());
        assertEquals("reg.example:443", config.path("serveraddress").asText());
        assertFalse(config.has("email"));
        JsonNode fromAuth = sent(RegistryAuth.parse(b64("{\"auth\":\"" + b64("v:q") + "\"}"), "127.0.0.1:5000"));
        assertEquals("v", fromAuth.path("username").asText(), "a config file's auth field");
        assertEquals("127.0.0.1:5000", fromAuth.path("serveraddress").asText());
        assertEquals("t", sent(RegistryAuth.parse(b64("{\"identitytoken\":\"t\"}"), "r:1")).path("identitytoken")
                .asText());
    }

    @Test
    void emptyOrBlankMeansNoCredentialsAndNoHeader() throws Exception {
        for (String none : new String[] {null, "", "  "}) {
            RegistryAuth auth = RegistryAuth.parse(none, "127.0.0.1:5000");
            assertFalse(auth.given());
            assertEquals(Map.of(), auth.headers());
        }
    }

    @Test
    void anythingElseIsRefusedWithoutQuotingIt() {
        for (String bad : new String[] {"not base64!", "abcde", b64("no-colon"), b64(":nouser"), b64("u:p\u0000"),
                b64("{\"email\":\"e\"}"), b64("{broken"), b64("[1]"),
                Base64.getEncoder().encodeToString(new byte[] {'u', ':', (byte) 0xff})}) {
            String m = refusal(bad);
            assertTrue(m.startsWith("registryAuth is not base64 user:password"), m);
            assertFalse(m.contains(bad), "the value is not quoted: " + m);
        }
    }

    @Test
    void itNeverShowsThePassword() throws Exception {
        RegistryAuth auth = RegistryAuth.parse(b64("alice:hunter2"), "127.0.0.1:5000");
        assertEquals("RegistryAuth[given]", auth.toString());
        assertEquals("RegistryAuth[none]", RegistryAuth.NONE.toString());
        assertFalse(new ImageResolver.Resolved("x", auth, true).toString().contains("hunter2"));
    }
}
