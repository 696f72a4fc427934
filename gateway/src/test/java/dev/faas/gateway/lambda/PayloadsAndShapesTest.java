package dev.faas.gateway.lambda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PayloadsAndShapesTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anyOneJsonValueIsAPayloadAndAnEmptyBodyIsAnEmptyObject() throws Exception {
        for (String ok : new String[] {"{}", "[1,2]", "\"text\"", "42", "null", " {\"a\": {\"b\": [true]}} \n"}) {
            byte[] body = b(ok);
            assertArrayEquals(body, Payloads.payload(body), ok);
        }
        assertArrayEquals(b("{}"), Payloads.payload(new byte[0]));
    }

    @Test
    void anythingElseIsInvalidRequestContent() {
        for (String bad : new String[] {"not json", "{", "{\"a\":}", "{} {}", "[1] x", " ", "{'a':1}"}) {
            LambdaError e = assertThrows(LambdaError.class, () -> Payloads.payload(b(bad)), bad);
            assertEquals("InvalidRequestContentException", e.type, bad);
            assertEquals(400, e.status);
        }
    }

    @Test
    void aClientContextIsBase64OfAJsonObject() {
        assertDoesNotThrow(() -> Payloads.checkClientContext(null));
        assertDoesNotThrow(() -> Payloads.checkClientContext(Base64.getEncoder().encodeToString(b("{\"custom\":{}}"))));
        for (String bad : new String[] {"%%%", Base64.getEncoder().encodeToString(b("[1]")),
                Base64.getEncoder().encodeToString(b("{"))}) {
            assertEquals("InvalidRequestContentException",
                    assertThrows(LambdaError.class, () -> Payloads.checkClientContext(bad)).type);
        }
        assertEquals(400, assertThrows(LambdaError.class, () -> Payloads.checkClientContext("e30=" + "A".repeat(3600)))
                .status);
    }

    @Test
    void errorBodiesSpellTheMessageAsLambdasModelDoes() {
        assertEquals(Map.of("Type", "User", "Message", "Function not found: x"), LambdaError.notFound("x").body());
        assertEquals(List.of("Type", "message"), List.copyOf(LambdaError.missingToken().body().keySet()));
        assertEquals("Service", LambdaError.service("down").body().get("Type"));
        assertEquals("Service", LambdaError.unavailable("NATS is down").body().get("Type"));
        LambdaError throttled = LambdaError.tooManyRequests("Rate Exceeded.");
        assertEquals("ConcurrentInvocationLimitExceeded", throttled.body().get("Reason"));
        assertEquals("1", throttled.headers.get("Retry-After"));
        assertNull(LambdaError.notFound("x").headers.get("Retry-After"));
    }

    @Test
    void listingsReadTimeoutsAndDatesAsLambdaWritesThem() throws Exception {
        assertEquals(3, Listings.timeoutSeconds(null));
        assertEquals(10, Listings.timeoutSeconds("10s"));
        assertEquals(2, Listings.timeoutSeconds("1500ms"));
        assertEquals(90, Listings.timeoutSeconds("1m30s"));
        assertEquals(3, Listings.timeoutSeconds("soon"));
        assertEquals("2024-05-06T07:08:09.000+0000", Listings.lastModified("2024-05-06T09:08:09+02:00"));
        assertNull(Listings.lastModified("yesterday"));
        assertEquals(50, Listings.maxItems(null));
        assertEquals(50, Listings.maxItems("10000"), "Lambda answers at most 50 a page");
        assertEquals(7, Listings.maxItems("7"));
        assertEquals("ValidationException", assertThrows(LambdaError.class, () -> Listings.maxItems("0")).type);
        assertEquals("ValidationException", assertThrows(LambdaError.class, () -> Listings.maxItems("x")).type);
    }
}
