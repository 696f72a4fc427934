package dev.faas.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** max_body on calls to a function: what the caller gets, what the function sees, what becomes of the connection. */
class BodyLimitTest {
    private final LoopbackGateway gateway = new LoopbackGateway();

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void aChunkedBodyOverMaxBodyIs413AndTheFunctionSeesItsRequestBrokenOff() throws Exception {
        CompletableFuture<String> upstreamRead = new CompletableFuture<>();
        gateway.start("f=" + gateway.bodyReader(upstreamRead), Map.of("max_body", "64k"));
        HttpResponse<String> r = gateway.postChunked("/function/f", 256 * 1024);
        assertEquals(413, r.statusCode(), r.body());
        assertEquals("request body is larger than max_body (65536 bytes)\n", r.body());
        // Neither left waiting for more nor handed the first 64k as if they were the whole body.
        assertTrue(upstreamRead.get(2, TimeUnit.SECONDS).startsWith("read failed"), upstreamRead.getNow(""));
        assertEquals(413, gateway.postChunked("/", 256 * 1024).statusCode(), "an Alexa body is limited the same way");
    }

    /**
     * A caller that writes its whole body before reading (as most clients do) must get the 413, not a connection
     * reset: answering and closing while the body is still arriving makes the kernel reset the connection, and the
     * reset discards the answer on the caller's side. Once the body is read, the connection serves the next call.
     */
    @Test
    void aBodyOverMaxBodyIs413ToACallerStillSendingItAndTheConnectionLives() throws Exception {
        gateway.start("f=" + gateway.upstream("a", 200, 0), Map.of("max_body", "64k"));
        byte[] body = new byte[256 * 1024];
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += 8192) {
            chunked.write("2000\r\n".getBytes(StandardCharsets.US_ASCII));
            chunked.write(body, at, 8192);
            chunked.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        chunked.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 15; i++) {
            for (String path : List.of("/function/f", "/")) {
                assertTooLargeThenServed(path, "Content-Length: " + body.length, body, path + " declared, try " + i);
            }
            assertTooLargeThenServed("/", "Transfer-Encoding: chunked", chunked.toByteArray(), "/ chunked, try " + i);
            assertTooLargeThenServed("/function/f", "Transfer-Encoding: chunked", chunked.toByteArray(),
                    "/function/f chunked, try " + i);
        }
    }

    private void assertTooLargeThenServed(String path, String framing, byte[] body, String what) throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(5000);
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\n" + framing + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.write("GET /function/f HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 413 Request Entity Too Large", in.readLine(), what);
            sent.get(5, TimeUnit.SECONDS);
            String line;
            while ((line = in.readLine()) != null && !line.startsWith("HTTP/1.1 ")) {
                // the rest of the 413
            }
            assertEquals("HTTP/1.1 200 OK", line, "the next request on the same connection: " + what);
        }
    }

    @Test
    void aBodyFarOverMaxBodyOrNotSentYetIs413AndTheConnectionCloses() throws Exception {
        gateway.start("f=" + gateway.upstream("a", 200, 0), Map.of("max_body", "64k"));
        for (String framing : List.of("Content-Length: 100000000", "Content-Length: 100000\r\nExpect: 100-continue")) {
            try (Socket s = new Socket("127.0.0.1", gateway.port())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(("POST /function/f HTTP/1.1\r\nHost: x\r\n" + framing + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(answer.startsWith("HTTP/1.1 413 "), framing + ": " + answer);
                assertTrue(answer.contains("Connection: close"), framing + ": " + answer);
            }
        }
    }

    @Test
    void aChunkedBodyUpToMaxBodyReachesTheFunctionWhole() throws Exception {
        CompletableFuture<String> upstreamRead = new CompletableFuture<>();
        gateway.start("f=" + gateway.bodyReader(upstreamRead), Map.of("max_body", "64k"));
        assertEquals(200, gateway.postChunked("/function/f", 64 * 1024).statusCode());
        assertEquals("read 65536 bytes", upstreamRead.get(2, TimeUnit.SECONDS));
    }
}
