package dev.faas.watchdog.lambda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void readsEveryKindOfValue() throws Exception {
        Map<String, Object> o = Json.objectOrNull(" {\"s\":\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\",\"n\":-12.5e2,"
                + "\"i\":0,\"t\":true,\"f\":false,\"z\":null,\"l\":[1,[],{}],\"o\":{\"k\":\"v\"}} ");
        assertNotNull(o);
        assertEquals("a\"b\\c\né\uD83D\uDE00", o.get("s"));
        assertEquals(new BigDecimal("-12.5e2"), o.get("n"));
        assertEquals(BigDecimal.ZERO, o.get("i"));
        assertEquals(Boolean.TRUE, o.get("t"));
        assertEquals(Boolean.FALSE, o.get("f"));
        assertSame(Json.NULL, o.get("z"));
        assertEquals(List.of(new BigDecimal(1), List.of(), Map.of()), o.get("l"));
        assertEquals(Map.of("k", "v"), o.get("o"));
    }

    @Test
    void refusesWhatIsNotJson() {
        for (String bad : new String[] {"", "{", "{\"a\":}", "{\"a\" 1}", "{'a':1}", "[1,]", "01", "1.", "-",
                "\"tab\there\"", "\"\\x\"", "\"\\u12\"", "{} {}", "tru", "nul", "{\"a\":1,}", "NaN"}) {
            assertThrows(Json.Malformed.class, () -> Json.parse(bad), bad);
        }
        assertNull(Json.objectOrNull("[1]"), "JSON, but not an object");
        assertNull(Json.objectOrNull("plain words"));
    }

    @Test
    void refusesNestingDeepEnoughToExhaustTheStack() {
        String deep = "[".repeat(100_000);
        assertThrows(Json.Malformed.class, () -> Json.parse(deep));
    }

    @Test
    void quotesSoThatTheReaderGetsTheSameStringBack() throws Exception {
        String s = "quote\" backslash\\ newline\n tab\t nul\u0000 bell\u0007 line-sep\u2028 é 😀";
        String quoted = Json.quote(s);
        assertEquals("\"quote\\\" backslash\\\\ newline\\n tab\\t nul\\u0000 bell\\u0007 line-sep\\u2028 é 😀\"",
                quoted);
        assertEquals(s, Json.parse(quoted));
    }

    @Test
    void quotesUtf8BytesExactlyAsItsTextWouldBeQuoted() {
        for (String s : new String[] {"", "plain", "quote\" backslash\\ newline\n tab\t cr\r ff\f bs\b",
                "nul\u0000 bell\u0007 unit\u001f del\u007f", "line-sep\u2028 para-sep\u2029 ellipsis\u2026",
                "é 😀 \u0800 \uffff", "\u2028", "ends with \u2029"}) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            byte[] expected = Json.quote(s).getBytes(StandardCharsets.UTF_8);
            assertEquals(expected.length, Json.quotedLength(utf8), s);
            byte[] out = new byte[expected.length + 2];
            assertEquals(expected.length + 1, Json.quote(utf8, out, 1), s);
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(out, 1, expected.length + 1), s);
        }
    }

    @Test
    void errorObjectsHaveLambdasShape() {
        assertEquals("{\"errorMessage\":\"it \\\"broke\\\"\",\"errorType\":\"T\"}",
                new String(Json.error("T", "it \"broke\""), StandardCharsets.UTF_8));
        assertEquals("{\"Type\":\"User\",\"message\":\"m\"}",
                new String(Json.object("Type", "User", "message", "m"), StandardCharsets.UTF_8));
    }

    @Test
    void writesValuesBackAsJson() throws Exception {
        String text = "{\"a\":[1,\"x\",true,null,{\"b\":2.50}]}";
        assertEquals(text, Json.write(Json.parse(text)));
    }
}
