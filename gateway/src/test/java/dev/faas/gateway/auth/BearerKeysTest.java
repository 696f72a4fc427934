package dev.faas.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BearerKeysTest {
    @TempDir
    Path secrets;

    @Test
    void aKeyFromASecretFileIsAcceptedAndNothingElseIs() throws Exception {
        Files.writeString(secrets.resolve("blueprint-key"), "0123456789abcdef0123\n");
        BearerKeys keys = BearerKeys.load(secrets, List.of("blueprint-key"));
        assertTrue(keys.accepts("Bearer 0123456789abcdef0123"));
        assertTrue(keys.accepts("bearer 0123456789abcdef0123 "));
        assertFalse(keys.accepts("Bearer 0123456789abcdef012"));
        assertFalse(keys.accepts("Basic YWRtaW46eA=="));
        assertFalse(keys.accepts(null));
    }

    @Test
    void aMissingOrShortKeyStopsTheStartSayingWhatToDo() throws Exception {
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> BearerKeys.load(secrets, List.of("nope")));
        assertTrue(missing.getMessage().contains("blueprint_api_keys"), missing.getMessage());
        Files.writeString(secrets.resolve("short"), "abc");
        assertThrows(IllegalStateException.class, () -> BearerKeys.load(secrets, List.of("short")));
        assertFalse(BearerKeys.load(secrets, List.of()).accepts("Bearer anything-at-all-here"));
    }
}
