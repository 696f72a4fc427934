package dev.faas.watchdog.lambda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ApiGatewayEventTest {
    private static ApiGatewayEvent.Answer answer(String json) {
        return ApiGatewayEvent.answer(json.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> header(ApiGatewayEvent.Answer a, String name) {
        return a.headers().stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).toList();
    }

    @Test
    void anAnswerWithAStatusCodeIsAnHttpResponse() {
        ApiGatewayEvent.Answer a = answer("{\"statusCode\":404,\"headers\":{\"X-A\":\"1\",\"X-N\":2},"
                + "\"multiValueHeaders\":{\"X-M\":[\"a\",\"b\"]},\"cookies\":[\"c=1\"],\"body\":\"not here\"}");
        assertEquals(404, a.status());
        assertEquals(List.of("1"), header(a, "X-A"));
        assertEquals(List.of("2"), header(a, "X-N"), "a number is its text");
        assertEquals(List.of("a", "b"), header(a, "X-M"));
        assertEquals(List.of("c=1"), header(a, "Set-Cookie"));
        assertEquals("not here", new String(a.body(), StandardCharsets.UTF_8));
    }

    @Test
    void aBase64BodyIsDecodedAndAMissingOneIsEmpty() {
        assertArrayEquals(new byte[] {(byte) 0xff, 0}, answer("{\"statusCode\":200,\"body\":\"/wA=\","
                + "\"isBase64Encoded\":true}").body());
        assertEquals(0, answer("{\"statusCode\":204}").body().length);
        assertEquals("{\"x\":1}", new String(answer("{\"statusCode\":200,\"body\":{\"x\":1}}").body(),
                StandardCharsets.UTF_8), "a body that is not a string is written as JSON");
    }

    @Test
    void anyOtherAnswerIsA200WithTheAnswerAsItsJsonBody() {
        for (String other : new String[] {"{\"message\":\"hi\"}", "\"just a string\"", "[1,2]", "not json"}) {
            ApiGatewayEvent.Answer a = answer(other);
            assertEquals(200, a.status(), other);
            assertEquals(other, new String(a.body(), StandardCharsets.UTF_8));
            assertEquals(List.of("application/json"), header(a, "Content-Type"));
        }
    }

    @Test
    void aMalformedProxyAnswerIs502AsApiGatewayAnswersIt() {
        for (String bad : new String[] {"{\"statusCode\":\"soon\"}", "{\"statusCode\":99}", "{\"statusCode\":200.5}",
                "{\"statusCode\":100}", "{\"statusCode\":199}", "{\"statusCode\":600}",
                "{\"statusCode\":200,\"headers\":{\"X\":\"a\\r\\nInjected: 1\"}}",
                "{\"statusCode\":200,\"body\":\"***\",\"isBase64Encoded\":true}"}) {
            ApiGatewayEvent.Answer a = answer(bad);
            assertEquals(502, a.status(), bad);
            assertEquals("{\"message\":\"Internal Server Error\"}", new String(a.body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void noContentAndNotModifiedHaveNoBodyWhateverTheFunctionGave() {
        for (int status : new int[] {204, 304}) {
            ApiGatewayEvent.Answer a = answer("{\"statusCode\":" + status + ",\"body\":\"dropped\"}");
            assertEquals(status, a.status());
            assertEquals(0, a.body().length);
        }
        assertEquals("kept", new String(answer("{\"statusCode\":205,\"body\":\"kept\"}").body(),
                StandardCharsets.UTF_8));
    }

    @Test
    void aTextBodyIsQuotedAndABinaryOneBase64EncodedInAnEventOfItsExactSize() throws Exception {
        String text = "line\n\"quoted\" \u2028 é 😀 \u0001";
        Map<String, Object> e = event(text.getBytes(StandardCharsets.UTF_8));
        assertEquals(text, e.get("body"));
        assertEquals(Boolean.FALSE, e.get("isBase64Encoded"));
        for (int n = 1; n <= 7; n++) { // every base64 padding
            byte[] binary = new byte[n];
            java.util.Arrays.fill(binary, (byte) 0xff);
            Map<String, Object> b = event(binary);
            assertEquals(java.util.Base64.getEncoder().encodeToString(binary), b.get("body"));
            assertEquals(Boolean.TRUE, b.get("isBase64Encoded"));
        }
    }

    /** The event for a POST with {@code body}, parsed: the strict reader fails on any byte too many or too few. */
    private static Map<String, Object> event(byte[] body) {
        byte[] event = ApiGatewayEvent.of("POST", "/", null, new TreeMap<>(), body, "rid", "10.0.0.1", "HTTP/1.1",
                1_700_000_000_123L);
        Map<String, Object> o = Json.objectOrNull(new String(event, StandardCharsets.UTF_8));
        assertTrue(o != null, new String(event, StandardCharsets.UTF_8));
        return o;
    }

    @Test
    void framingHeadersOfTheFunctionAreNotPassedOn() {
        ApiGatewayEvent.Answer a = answer("{\"statusCode\":200,\"headers\":{\"Content-Length\":\"999\","
                + "\"Transfer-Encoding\":\"chunked\",\"Connection\":\"close\",\"X-Kept\":\"k\"},\"body\":\"ok\"}");
        assertEquals(1, a.headers().size());
        assertEquals(List.of("k"), header(a, "X-Kept"));
    }

    @Test
    void eventHasTheShapeOfPayload20() throws Exception {
        Map<String, List<String>> headers = new TreeMap<>(Map.of("Host", List.of("fn.example.com:8080"),
                "Accept", List.of("a", "b"), "Cookie", List.of("x=1;  y=2")));
        String e = new String(ApiGatewayEvent.of("GET", "/p/%41", "q=%41&q=b&flag", headers, new byte[0], "rid",
                "10.0.0.1", "HTTP/1.1", 1_700_000_000_123L), StandardCharsets.UTF_8);
        Map<String, Object> o = Json.objectOrNull(e);
        assertEquals("2.0", o.get("version"));
        assertEquals("/p/%41", o.get("rawPath"));
        assertEquals("q=%41&q=b&flag", o.get("rawQueryString"));
        assertEquals(List.of("x=1", "y=2"), o.get("cookies"));
        assertEquals(Map.of("host", "fn.example.com:8080", "accept", "a,b"), o.get("headers"));
        assertEquals(Map.of("q", "A,b", "flag", ""), o.get("queryStringParameters"));
        @SuppressWarnings("unchecked")
        Map<String, Object> context = (Map<String, Object>) o.get("requestContext");
        assertEquals("fn.example.com", context.get("domainName"));
        assertEquals("fn", context.get("domainPrefix"));
        assertEquals("rid", context.get("requestId"));
        assertEquals("14/Nov/2023:22:13:20 +0000", context.get("time"));
        assertEquals("1700000000123", context.get("timeEpoch").toString());
        assertEquals(Map.of("method", "GET", "path", "/p/%41", "protocol", "HTTP/1.1", "sourceIp", "10.0.0.1",
                "userAgent", ""), context.get("http"));
        assertTrue(!o.containsKey("body"), "no body, no field: " + e);
        assertEquals(Boolean.FALSE, o.get("isBase64Encoded"));
    }
}
