package dev.faas.gateway.blueprint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BlueprintInvokesTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anInvokeRequestIsAJobIdAndBytes() throws Exception {
        assertEquals(7, BlueprintInvokes.request(b("{\"job_id\":7,\"args\":[1,2,255]}")).path("job_id").asInt());
        BlueprintInvokes.request(b("{\"job_id\":0,\"args\":\"text\"}"));
        BlueprintInvokes.request(b("{\"job_id\":4294967295}"));
    }

    @Test
    void malformedRequestsAre400sSayingWhatIsWrong() {
        for (String body : new String[] {"{\"job_id\":", "[1,2]", "{\"args\":[1]}", "{\"job_id\":-1}",
                "{\"job_id\":1.5}", "{\"job_id\":1,\"args\":[256]}", "{\"job_id\":1,\"args\":{}}"}) {
            assertEquals(400, assertThrows(BlueprintError.class, () -> BlueprintInvokes.request(b(body)), body).status);
        }
    }
}
