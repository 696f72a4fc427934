package dev.faas.watchdog.http;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The request as environment variables, the classic watchdog's cgi_headers: {@code Http_<Header>} for each header
 * (Go's canonical name, '-' → '_', first value; a name with '_' also as if it were '-'), plus Http_Method, Http_Path, Http_Query, Http_Host and
 * Http_Content_Length.
 */
public final class CgiEnvironment {
    private CgiEnvironment() {}

    /**
     * @param rawQuery      the query without '?', or null
     * @param contentLength the body length, -1 when it is chunked
     */
    public static Map<String, String> of(String method, String path, String rawQuery,
                                         Map<String, List<String>> headers, long contentLength) {
        Map<String, String> env = new HashMap<>(headers.size() * 2 + 12);
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            List<String> values = header.getValue();
            if (!values.isEmpty()) {
                put(env, "Http_" + canonicalName(header.getKey()).replace('-', '_'), values.get(0));
            }
        }
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            String name = header.getKey();
            if (name.indexOf('_') >= 0 && !header.getValue().isEmpty()) {
                // Go's canonical form (the classic name) does not capitalise after '_': X_Foo_Bar → Http_X_foo_bar,
                // where a function looks for Http_X_Foo_Bar as for X-Foo-Bar, finds nothing and reports the
                // header dropped. Both are set; a real X-Foo-Bar keeps its own value.
                String alias = "Http_" + canonicalName(name.replace('_', '-')).replace('-', '_');
                if (!env.containsKey(alias)) {
                    put(env, alias, header.getValue().get(0));
                }
            }
        }
        put(env, "Http_Method", method);
        put(env, "Http_Path", path);
        put(env, "Http_Query", rawQuery == null ? "" : rawQuery);
        String host = firstValue(headers, "Host");
        put(env, "Http_Host", host == null ? "" : host);
        env.put("Http_Content_Length", Long.toString(contentLength));
        return env;
    }

    /**
     * An environment cannot hold a NUL anywhere or an '=' in a name (the process could not be started at all), so
     * such an entry, which only a hostile or broken client sends (a decoded %00 in the path, say), is left out.
     */
    private static void put(Map<String, String> env, String name, String value) {
        if (name.indexOf('\0') < 0 && name.indexOf('=') < 0 && value.indexOf('\0') < 0) {
            env.put(name, value);
        }
    }

    /** Go's canonical header form, which the classic names used: "x-custom-HEADER" → "X-Custom-Header". */
    public static String canonicalName(String name) {
        StringBuilder out = new StringBuilder(name.length());
        boolean upper = true;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            out.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
            upper = c == '-';
        }
        return out.toString();
    }

    private static String firstValue(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                return header.getValue().get(0);
            }
        }
        return null;
    }
}
