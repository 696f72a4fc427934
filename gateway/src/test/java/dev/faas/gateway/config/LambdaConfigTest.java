package dev.faas.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LambdaConfigTest {
    private static LambdaConfig lambda(Map<String, String> env) {
        return GatewayConfig.from(env).lambda();
    }

    @Test
    void everyLambdaSettingHasADefault() {
        LambdaConfig l = lambda(Map.of());
        assertEquals(List.of(), l.accessKeys());
        assertFalse(l.allowUnsigned());
        assertEquals("us-east-1", l.region());
        assertEquals("000000000000", l.account());
    }

    @Test
    void everySettingIsReadAndSecretNamesKeepTheirCase() {
        LambdaConfig l = lambda(Map.of("lambda_access_keys", " Lambda-Key , other,, ", "lambda_allow_unsigned", "TRUE",
                "lambda_region", "eu-west-1", "lambda_account", "123456789012"));
        assertEquals(List.of("Lambda-Key", "other"), l.accessKeys());
        assertTrue(l.allowUnsigned());
        assertEquals("eu-west-1", l.region());
        assertEquals("123456789012", l.account());
    }

    @Test
    void noKeysWithoutUnsignedCallsAndUnsignedCallsAreWarnedOfAtStart() {
        assertEquals("every Invoke API call will be refused with 403; set lambda_access_keys or use basic auth",
                lambda(Map.of()).startupWarning());
        assertEquals("the Invoke API accepts unsigned calls: for local use only",
                lambda(Map.of("lambda_allow_unsigned", "true")).startupWarning());
        assertEquals("the Invoke API accepts unsigned calls: for local use only",
                lambda(Map.of("lambda_allow_unsigned", "true", "lambda_access_keys", "k")).startupWarning());
        assertNull(lambda(Map.of("lambda_access_keys", "k")).startupWarning());
    }

    @Test
    void aBadValueIsRefusedNamingTheSetting() {
        for (Map<String, String> bad : List.of(Map.of("lambda_region", "US East"), Map.of("lambda_account", "42"),
                Map.of("lambda_allow_unsigned", "yes"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lambda(bad));
            assertTrue(e.getMessage().startsWith(bad.keySet().iterator().next()), e.getMessage());
        }
    }
}
