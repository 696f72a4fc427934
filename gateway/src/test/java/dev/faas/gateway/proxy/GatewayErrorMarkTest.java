package dev.faas.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** X-Faas-Error: on every error the gateway answers a function call with, and never on a function's answer. */
class GatewayErrorMarkTest {
    private final LoopbackGateway gateway = new LoopbackGateway();

    @AfterEach
    void stop() {
        gateway.close();
    }

    private static String mark(HttpResponse<String> r) {
        return r.headers().firstValue("X-Faas-Error").orElse("");
    }

    @Test
    void theGatewaysOwnErrorsSayWhyInXFaasError() throws Exception {
        gateway.start("slow=" + gateway.upstream("slow", 200, 2000) + ";gone=" + LoopbackGateway.refusingAddress(),
                Map.of("upstream_timeout", "300ms", "max_body", "1k"));
        HttpResponse<String> unknown = gateway.call("nosuch");
        assertEquals(404, unknown.statusCode());
        assertEquals("not_found", mark(unknown));
        assertEquals("function \"nosuch\" not found\n", unknown.body(), "the text as it was");
        HttpResponse<String> unreachable = gateway.call("gone");
        assertEquals(502, unreachable.statusCode());
        assertEquals("unreachable", mark(unreachable));
        HttpResponse<String> late = gateway.call("slow");
        assertEquals(504, late.statusCode());
        assertEquals("timeout", mark(late));
        HttpResponse<String> badName = gateway.call("bad%20name");
        assertEquals(400, badName.statusCode());
        assertEquals("bad_request", mark(badName));
        HttpRequest big = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/function/slow"))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofByteArray(new byte[2048])).build();
        HttpResponse<String> tooLarge = gateway.http().send(big, HttpResponse.BodyHandlers.ofString());
        assertEquals(413, tooLarge.statusCode());
        assertEquals("too_large", mark(tooLarge));
    }

    @Test
    void aFunctionCannotForgeXFaasError() throws Exception {
        gateway.start("busy=" + gateway.answeringWith(503, "X-Faas-Error", "busy") + ";fine="
                + gateway.answeringWith(200, "x-faas-error", "not_found"));
        HttpResponse<String> busy = gateway.call("busy");
        assertEquals(503, busy.statusCode());
        assertEquals("the function's own", busy.body());
        assertTrue(busy.headers().firstValue("X-Faas-Error").isEmpty(), busy.headers().map().toString());
        HttpResponse<String> fine = gateway.call("fine");
        assertEquals(200, fine.statusCode());
        assertTrue(fine.headers().firstValue("X-Faas-Error").isEmpty(), fine.headers().map().toString());
    }
}
