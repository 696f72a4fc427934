package dev.faas.watchdog.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CgiEnvironmentTest {
    @Test
    void aNameWithUnderscoresIsSetInGoFormAndAsIfTheyWereHyphensWithoutTakingARealHyphenNamesValue() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("X_foo_bar", List.of("underscored"));
        headers.put("X_other", List.of("o"));
        headers.put("X-other", List.of("hyphen"));
        Map<String, String> env = CgiEnvironment.of("GET", "/", null, headers, 0);
        assertEquals("underscored", env.get("Http_X_foo_bar"), "the classic watchdog's name");
        assertEquals("underscored", env.get("Http_X_Foo_Bar"), "the name a function looks for");
        assertEquals("hyphen", env.get("Http_X_Other"), "a real X-Other keeps its own variable");
        assertEquals("o", env.get("Http_X_other"));
    }

    @Test
    void headersBecomeHttpVariablesInGoCanonicalFormWithTheFirstValue() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("X-custom-header", List.of("first", "second"));
        headers.put("Content-type", List.of("text/plain"));
        headers.put("Accept-ENCODING", List.of("gzip"));
        headers.put("Host", List.of("fn.example:8080"));
        headers.put("X-empty", List.of());
        Map<String, String> env = CgiEnvironment.of("POST", "/a/b", "x=1&y=2", headers, 42);
        assertEquals("first", env.get("Http_X_Custom_Header"));
        assertEquals("text/plain", env.get("Http_Content_Type"));
        assertEquals("gzip", env.get("Http_Accept_Encoding"));
        assertEquals("POST", env.get("Http_Method"));
        assertEquals("/a/b", env.get("Http_Path"));
        assertEquals("x=1&y=2", env.get("Http_Query"));
        assertEquals("fn.example:8080", env.get("Http_Host"));
        assertEquals("42", env.get("Http_Content_Length"));
        assertFalse(env.containsKey("Http_X_Empty"));
    }

    @Test
    void absentQueryAndHostAreEmptyAndChunkedLengthIsMinusOne() {
        Map<String, String> env = CgiEnvironment.of("GET", "/", null, Map.of(), -1);
        assertEquals("", env.get("Http_Query"));
        assertEquals("", env.get("Http_Host"));
        assertEquals("-1", env.get("Http_Content_Length"));
    }

    @Test
    void canonicalNameCapitalisesEachDashSeparatedWord() {
        assertEquals("X-Forwarded-For", CgiEnvironment.canonicalName("x-FORWARDED-for"));
        assertEquals("Etag", CgiEnvironment.canonicalName("ETAG"));
    }
}
