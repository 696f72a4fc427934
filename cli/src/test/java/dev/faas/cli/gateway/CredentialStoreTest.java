package dev.faas.cli.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.cli.CliFailure;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoreTest {
    private static final URI LOCAL = URI.create("http://127.0.0.1:8080");
    private static final URI OTHER = URI.create("http://10.1.2.3:8080");

    @TempDir
    Path home;

    @Test
    void storedCredentialsAreReadBackPerGatewayFromAPrivateFile() throws IOException {
        CredentialStore store = CredentialStore.forUser(Map.of("HOME", home.toString()));
        assertEquals(home.resolve(".faas/config.yml"), store.file());
        assertEquals(Optional.empty(), store.credentialsFor(LOCAL));

        store.store(LOCAL, new Credentials("admin", "s3cret:with colon"));
        store.store(OTHER, new Credentials("ops", "other"));
        assertEquals(Optional.of(new Credentials("admin", "s3cret:with colon")), store.credentialsFor(LOCAL));
        assertEquals(Optional.of(new Credentials("ops", "other")), store.credentialsFor(OTHER));

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(".faas"))));
        assertFalse(Files.readString(store.file()).contains("s3cret"), "kept as a token, as faas-cli does");
        try (var left = Files.list(home.resolve(".faas"))) {
            assertEquals(1, left.count(), "no temporary file left");
        }
    }

    @Test
    void loggingInAgainReplacesAndLogoutForgetsOnlyThatGateway() {
        CredentialStore store = new CredentialStore(home);
        store.store(LOCAL, new Credentials("admin", "old"));
        store.store(OTHER, new Credentials("admin", "x"));
        store.store(LOCAL, new Credentials("admin", "new"));
        assertEquals("new", store.credentialsFor(LOCAL).orElseThrow().password());
        assertTrue(store.forget(LOCAL));
        assertFalse(store.forget(LOCAL));
        assertEquals(Optional.empty(), store.credentialsFor(LOCAL));
        assertEquals("x", store.credentialsFor(OTHER).orElseThrow().password());
    }

    @Test
    void aFileInFaasCliLayoutIsRead() throws IOException {
        Files.writeString(home.resolve("config.yml"), """
                auths:
                - gateway: http://127.0.0.1:8080
                  auth: basic
                  token: YWRtaW46cGFzcw==
                """);
        assertEquals(Optional.of(new Credentials("admin", "pass")), new CredentialStore(home).credentialsFor(LOCAL));
    }

    @Test
    void aBrokenFileSaysHowToMendIt() throws IOException {
        Files.writeString(home.resolve("config.yml"), "auths: [\n");
        CliFailure e = assertThrows(CliFailure.class, () -> new CredentialStore(home).credentialsFor(LOCAL));
        assertTrue(e.getMessage().contains("run faas login again"), e.getMessage());
    }

    @Test
    void theConfigDirectoryCanBeMoved() {
        assertEquals(home.resolve("config.yml"),
                CredentialStore.forUser(Map.of("FAAS_CONFIG_DIR", home.toString(), "HOME", "/nowhere")).file());
    }
}
