package dev.faas.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AlexaIntentTest {
    private static String intent(String json) {
        return AlexaIntent.intentName(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theIntentNameIsTheFunctionNameVerbatim() {
        assertEquals("HostnameIntent", intent("""
                {"session":{"sessionId":"SessionId.1","application":{"applicationId":"amzn1.ask.skill.1"}},
                 "request":{"type":"IntentRequest","intent":{"name":"HostnameIntent","slots":{}}}}"""));
    }

    @Test
    void aRequestWithoutAllThreeFieldsIsNotAnIntent() {
        assertNull(intent("{\"session\":{\"sessionId\":\"s\"},\"request\":{\"intent\":{\"name\":\"x\"}}}"));
        assertNull(intent("{\"session\":{\"sessionId\":\"s\",\"application\":{\"applicationId\":\"a\"}},\"request\":{}}"));
        assertNull(intent("{\"session\":{\"sessionId\":\"\",\"application\":{\"applicationId\":\"a\"}},"
                + "\"request\":{\"intent\":{\"name\":\"x\"}}}"));
    }

    @Test
    void nonStringFieldsDoNotCount() {
        assertNull(intent("{\"session\":{\"sessionId\":1,\"application\":{\"applicationId\":\"a\"}},"
                + "\"request\":{\"intent\":{\"name\":\"x\"}}}"));
    }

    @Test
    void malformedJsonOrNonObjectsAreNotIntents() {
        assertNull(intent("{\"session\":"));
        assertNull(intent("hello"));
        assertNull(intent("[1,2]"));
        assertNull(intent(""));
    }
}
