package dev.faas.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessKeysTest {
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    @TempDir
    Path secrets;

    @Test
    void eachLineIsAKeyIdAndItsSecretBlankAndCommentLinesAside() throws Exception {
        Files.writeString(secrets.resolve("Lambda-Keys"), "# rotated 2024-05\n\nAKIAONE:" + SECRET + "\r\n"
                + "  AKIATWO : abc:def/ghi+jkl=mnop  \n");
        Files.writeString(secrets.resolve("more"), "AKIATHREE:" + SECRET); // printf leaves no newline
        AccessKeys keys = AccessKeys.load(secrets, List.of("Lambda-Keys", "more"));
        assertEquals(3, keys.size());
        assertArrayEquals(SECRET.getBytes(StandardCharsets.UTF_8), keys.secret("AKIAONE"));
        assertArrayEquals("abc:def/ghi+jkl=mnop".getBytes(StandardCharsets.UTF_8), keys.secret("AKIATWO"),
                "the first ':' ends the id; the secret may hold more");
        assertTrue(keys.secret("AKIATHREE") != null);
        assertNull(keys.secret("akiaone"), "ids are exact");
        assertEquals(0, AccessKeys.none().size());
    }

    @Test
    void aMalformedLineStopsTheStartNamingTheFileAndLineButNotTheSecret() {
        for (String bad : new String[] {"AKIAONE " + SECRET, ":" + SECRET, "AKIA ONE:" + SECRET, "AKIAONE:short",
                "AKIAONE:" + SECRET + " trailing words"}) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> AccessKeys.parse("/run/secrets/k", "# first\n" + bad + "\n"), bad);
            assertTrue(e.getMessage().startsWith("/run/secrets/k line 2"), e.getMessage());
            assertFalse(e.getMessage().contains(SECRET), e.getMessage());
            assertFalse(e.getMessage().contains("short"), e.getMessage());
        }
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> AccessKeys.parse("k", "AKIAONE:" + SECRET + "\nAKIAONE:" + SECRET + "x\n"));
        assertTrue(twice.getMessage().contains("line 2") && twice.getMessage().contains("listed twice"),
                twice.getMessage());
    }

    @Test
    void aMissingOrEmptySecretStopsTheStartSayingWhatToDo() throws Exception {
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> AccessKeys.load(secrets, List.of("nope")));
        assertTrue(missing.getMessage().contains("lambda_access_keys"), missing.getMessage());
        Files.writeString(secrets.resolve("empty"), "# nothing yet\n\n");
        IllegalStateException empty = assertThrows(IllegalStateException.class,
                () -> AccessKeys.load(secrets, List.of("empty")));
        assertTrue(empty.getMessage().contains("holds no access key"), empty.getMessage());
    }
}
