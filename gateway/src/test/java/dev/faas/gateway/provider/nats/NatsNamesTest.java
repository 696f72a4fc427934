package dev.faas.gateway.provider.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class NatsNamesTest {
    @Test
    void aFunctionNameWithDotsIsOneSubjectTokenAndAValidConsumerName() {
        assertEquals("faas.calls.echo", NatsNames.subject("echo"));
        assertEquals("faas.calls.my~fn~v2", NatsNames.subject("my.fn.v2"));
        assertEquals("fn_echo", NatsNames.consumer("echo"));
        assertEquals("fn_my~fn~v2", NatsNames.consumer("my.fn.v2"));
    }

    @Test
    void subjectsAndConsumersMapBackToTheFunctionName() {
        for (String function : new String[] {"echo", "my.fn.v2", "a-b", ".x.", "fn_echo"}) {
            assertEquals(function, NatsNames.functionOfSubject(NatsNames.subject(function)), function);
            assertEquals(function, NatsNames.functionOfConsumer(NatsNames.consumer(function)), function);
        }
    }

    @Test
    void namesThatAreNotOursMapToNoFunction() {
        assertNull(NatsNames.functionOfConsumer("callbacks"));
        assertNull(NatsNames.functionOfConsumer("someone-else"));
        assertNull(NatsNames.functionOfSubject("faas.callbacks"));
        assertNull(NatsNames.functionOfSubject("other.calls.echo"));
    }

    @Test
    void everySubjectOfACallIsInTheCallsStream() {
        String prefix = NatsNames.CALL_SUBJECTS.substring(0, NatsNames.CALL_SUBJECTS.length() - 1);
        assertEquals("faas.calls.", prefix);
        assertEquals(true, NatsNames.subject("my.fn").startsWith(prefix));
        assertEquals(-1, NatsNames.subject("my.fn").substring(prefix.length()).indexOf('.'), "one token");
    }

    @Test
    void aCallsBodyAndItsAnswersBodyAreDifferentObjects() {
        assertEquals("f.x/c-1.call", NatsNames.callBody("f.x", "c-1"));
        assertEquals("f.x/c-1.callback", NatsNames.callback("f.x", "c-1"));
        assertEquals("f.x/c-1", NatsNames.call("f.x", "c-1"));
    }
}
