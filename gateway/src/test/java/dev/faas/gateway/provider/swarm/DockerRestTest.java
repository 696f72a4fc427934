package dev.faas.gateway.provider.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Reading a JSON-lines answer ({@code POST /images/create}'s progress) to its end. */
class DockerRestTest {
    private static InputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aStreamWithoutAnErrorLineIsASuccess() throws IOException {
        DockerRest.Progress p = DockerRest.progress(200, text("{\"status\":\"Pulling from faas/x\"}\r\n"
                + "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":1,\"total\":2}}\r\n\r\n"
                + "{\"status\":\"Status: Image is up to date for faas/x\"}\r\n"));
        assertTrue(p.ok());
        assertEquals("", p.error());
    }

    @Test
    void theFirstErrorLineIsTheFailureAndTheStreamIsReadToItsEnd() throws IOException {
        byte[] bytes = ("{\"status\":\"Pulling fs layer\"}\r\n"
                + "{\"errorDetail\":{\"message\":\"unexpected EOF\"},\"error\":\"unexpected EOF\"}\r\n"
                + "{\"error\":\"a later one\"}\r\n").getBytes(StandardCharsets.UTF_8);
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        DockerRest.Progress p = DockerRest.progress(200, in);
        assertFalse(p.ok(), "a 200 with an error line failed");
        assertEquals("unexpected EOF", p.error());
        assertEquals(0, in.available(), "read to the end");
    }

    @Test
    void anErrorWithOnlyItsDetailOrNoWordsIsStillAnError() throws IOException {
        assertEquals("manifest unknown", DockerRest.progress(200,
                text("{\"errorDetail\":{\"message\":\"manifest unknown\"}}")).error());
        assertFalse(DockerRest.progress(200, text("{\"error\":\"\"}")).ok());
    }

    @Test
    void linesThatAreNotJsonAreSkipped() throws IOException {
        assertTrue(DockerRest.progress(200, text("garbage\n{\"status\":\"ok\"}\n{\"stat")).ok());
    }

    @Test
    void anErrorStatusCarriesDockersMessage() throws IOException {
        DockerRest.Progress p = DockerRest.progress(404, text("{\"message\":\"pull access denied for x\"}"));
        assertFalse(p.ok());
        assertEquals("pull access denied for x", p.error());
        assertEquals("docker answered 500", DockerRest.progress(500, text("")).error());
        assertEquals("docker answered 502", DockerRest.progress(502, null).error());
        assertEquals("plain words", DockerRest.progress(500, text("plain words\n")).error());
    }
}
