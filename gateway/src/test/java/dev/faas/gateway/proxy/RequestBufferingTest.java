package dev.faas.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** request_buffer: bodies on either side of it reach the function whole, and the connection serves the next call. */
class RequestBufferingTest {
    private static final int BUFFER = 1024;

    @Test
    void bodiesAroundRequestBufferReachTheFunctionWholeOnOneConnection() throws Exception {
        try (LoopbackGateway gateway = new LoopbackGateway(); RecordingUpstream function = new RecordingUpstream()) {
            gateway.start("f=" + function.address(), Map.of("request_buffer", String.valueOf(BUFFER),
                    "upstream_timeout", "10s"));
            try (Socket s = new Socket("127.0.0.1", gateway.port())) {
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                for (int size : new int[] {0, 1, BUFFER - 1, BUFFER, BUFFER + 1, 64 * 1024, 1024 * 1024}) {
                    for (boolean chunked : new boolean[] {false, true}) {
                        String what = size + " bytes" + (chunked ? " chunked" : "");
                        byte[] body = body(size);
                        out.write(RawHttp.bytes("POST /function/f HTTP/1.1\r\nHost: x\r\n"
                                + (chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + size) + "\r\n\r\n"));
                        out.flush(); // the head alone first: the body comes in later reads
                        out.write(chunked ? chunked(body) : body);
                        out.flush();
                        RawHttp.Answer a = RawHttp.read(in);
                        assertEquals(200, a.status(), what + ": " + a);
                        assertTrue(!a.closed(), what + ": the connection stays");
                        RecordingUpstream.Seen seen = function.next();
                        assertTrue(java.util.Arrays.equals(body, seen.body()), what + ": the function got "
                                + seen.body().length + " bytes");
                    }
                }
            }
        }
    }

    @Test
    void anAlexaBodyThatStopsArrivingIs408() throws Exception {
        try (LoopbackGateway gateway = new LoopbackGateway(); RecordingUpstream function = new RecordingUpstream()) {
            gateway.start("f=" + function.address(), Map.of("body_timeout", "300ms"));
            try (Socket s = new Socket("127.0.0.1", gateway.port())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(RawHttp.bytes("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"req"));
                RawHttp.Answer a = RawHttp.read(s.getInputStream());
                assertEquals(408, a.status(), a.toString());
                assertTrue(a.closed(), a.toString());
            }
        }
    }

    private static byte[] body(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    /** The body in chunks of 1000 bytes (so chunk boundaries fall anywhere in the gateway's buffers). */
    private static byte[] chunked(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += 1000) {
            int n = Math.min(1000, body.length - at);
            out.writeBytes(RawHttp.bytes(Integer.toHexString(n) + "\r\n"));
            out.write(body, at, n);
            out.writeBytes(RawHttp.bytes("\r\n"));
        }
        out.writeBytes(RawHttp.bytes("0\r\n\r\n"));
        return out.toByteArray();
    }
}
