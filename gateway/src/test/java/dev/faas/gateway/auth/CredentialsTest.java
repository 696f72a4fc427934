package dev.faas.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {
    private static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acceptsOnlyTheExactUserAndPassword() {
        Credentials c = new Credentials("admin", "s3cret:with:colons");
        assertTrue(c.accepts(basic("admin:s3cret:with:colons")));
        assertTrue(c.accepts("basic " + basic("admin:s3cret:with:colons").substring(6)), "scheme is case-blind");
        assertFalse(c.accepts(basic("admin:s3cret")));
        assertFalse(c.accepts(basic("admin:s3cret:with:colonsX")));
        assertFalse(c.accepts(basic("Admin:s3cret:with:colons")));
        assertFalse(c.accepts(basic(":")));
        assertFalse(c.accepts(null));
        assertFalse(c.accepts("Bearer s3cret"));
        assertFalse(c.accepts("Basic not-base64!"));
        assertFalse(c.accepts(basic("no colon at all")));
    }

    @Test
    void parseSplitsAtTheFirstColon() {
        byte[][] parts = Credentials.parse(basic("u:p:q"));
        assertArrayEquals("u".getBytes(StandardCharsets.UTF_8), parts[0]);
        assertArrayEquals("p:q".getBytes(StandardCharsets.UTF_8), parts[1]);
        assertNull(Credentials.parse("Basic"));
    }

    @Test
    void loadsTheFilesIgnoringSurroundingWhitespace(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(Credentials.USER_FILE), "admin\n");
        Files.writeString(dir.resolve(Credentials.PASSWORD_FILE), "  pw \n");
        assertTrue(Credentials.load(dir).accepts(basic("admin:pw")));
    }

    @Test
    void aMissingOrEmptyFileSaysWhatToCreate(@TempDir Path dir) throws Exception {
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> Credentials.load(dir));
        assertTrue(missing.getMessage().contains(dir.resolve(Credentials.USER_FILE).toString()), missing.getMessage());
        assertTrue(missing.getMessage().contains("docker secret create"), missing.getMessage());
        Files.writeString(dir.resolve(Credentials.USER_FILE), "admin");
        Files.writeString(dir.resolve(Credentials.PASSWORD_FILE), "\n");
        IllegalStateException empty = assertThrows(IllegalStateException.class, () -> Credentials.load(dir));
        assertTrue(empty.getMessage().contains("is empty"), empty.getMessage());
    }
}
