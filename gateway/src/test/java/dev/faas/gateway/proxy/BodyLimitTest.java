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
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** max_body on calls to a function: what the caller gets, what the function sees, what becomes of the connection. */
class BodyLimitTest {
    private final LoopbackGateway gateway = new LoopbackGateway();

    @AfterEach
    void stop() {
        gateway.close();
    }

    private static final int MIB = 1024 * 1024;
    /** max_body's default; Undertow's own default limit is 2 MiB (UndertowOptions.DEFAULT_MAX_ENTITY_SIZE). */
    private static final int MAX_BODY = 10 * MIB;

    static Stream<Arguments> routesAndFramings() {
        return Stream.of("/function/f", "/ with X-Function", "/ with an Alexa body", "/system/")
                .flatMap(route -> Stream.of(Arguments.of(route, false), Arguments.of(route, true)));
    }

    /**
     * Undertow's 2 MiB default must not cut in before max_body: around 2 MiB and at max_body itself the whole body
     * reaches the function (or the /system handler), and one byte over max_body is 413.
     */
    @ParameterizedTest(name = "{0}, chunked={1}")
    @MethodSource("routesAndFramings")
    void aBodyOfExactlyTheDefaultMaxBodyPassesWholeAndOneByteMoreIs413(String route, boolean chunked) throws Exception {
        gateway.start("f=" + gateway.counting(), Map.of("upstream_timeout", "20s"));
        for (int size : new int[] {2 * MIB - 1, 2 * MIB, 2 * MIB + 1, MAX_BODY - 1, MAX_BODY}) {
            HttpResponse<String> r = post(route, size, chunked);
            assertEquals(200, r.statusCode(), route + " " + size + " bytes: " + r.body());
            assertEquals("read " + size + " bytes", r.body().strip(), route + " " + size + " bytes");
        }
        HttpResponse<String> over = post(route, MAX_BODY + 1, chunked);
        assertEquals(413, over.statusCode(), route + " max_body + 1: " + over.body());
    }

    @Test
    void anAnswerLargerThan2MiBStreamsThroughWhole() throws Exception {
        for (boolean chunked : new boolean[] {false, true}) {
            try (LoopbackGateway g = new LoopbackGateway()) {
                g.start("f=" + g.answering(MAX_BODY + 1, chunked));
                HttpResponse<byte[]> r = g.http().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + g.port() + "/function/f")).timeout(Duration.ofSeconds(20))
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, r.statusCode(), "chunked=" + chunked);
                assertEquals(MAX_BODY + 1, r.body().length, "chunked=" + chunked);
            }
        }
    }

    /** A POST of {@code size} bytes to {@code route}, with a Content-Length or chunked (no declared length). */
    private HttpResponse<String> post(String route, int size, boolean chunked) throws Exception {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) ' ');
        String path = route.startsWith("/ ") ? "/" : route;
        if (route.endsWith("Alexa body")) {
            byte[] alexa = ("{\"session\":{\"sessionId\":\"s\",\"application\":{\"applicationId\":\"a\"}},"
                    + "\"request\":{\"intent\":{\"name\":\"f\"}}}").getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(alexa, 0, body, 0, alexa.length); // JSON followed by spaces
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(20))
                .POST(chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (route.endsWith("X-Function")) {
            request.header("X-Function", "f");
        }
        return gateway.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
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
