package dev.faas.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FunctionNamesTest {
    @Test
    void lettersDigitsDashUnderscoreAndDotAreAccepted() {
        assertTrue(FunctionNames.isValid("catservice"));
        assertTrue(FunctionNames.isValid("func_Echo-2.v1"));
        assertTrue(FunctionNames.isValid("a".repeat(63)));
    }

    @Test
    void anythingElseIsRejected() {
        assertFalse(FunctionNames.isValid(""));
        assertFalse(FunctionNames.isValid("a".repeat(64)));
        assertFalse(FunctionNames.isValid("a b"));
        assertFalse(FunctionNames.isValid("a/b"));
        assertFalse(FunctionNames.isValid("%2e%2e"));
        assertFalse(FunctionNames.isValid("caf\u00e9"));
    }

    @Test
    void dotAndDotDotNeverNameAFunction() {
        assertFalse(FunctionNames.isValid("."));
        assertFalse(FunctionNames.isValid(".."));
    }
}
