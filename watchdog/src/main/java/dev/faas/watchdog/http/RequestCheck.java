package dev.faas.watchdog.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.util.List;
import java.util.Map;

/**
 * What fork and streaming modes check before a request's body is read, on top of the JDK's server (which already
 * refuses bad header names, a bare CR, conflicting Content-Length and unknown Transfer-Encoding, with its own small
 * HTML answers; docs/watchdog.md lists them). The rest of RFC 9112's rules that the watchdog's own parser (http
 * mode) applies are checked here where the JDK lets them through.
 */
final class RequestCheck {
    private RequestCheck() {}

    /** @return what is wrong, one short line, or null for a well-formed request */
    static String problem(HttpExchange exchange) {
        String protocol = exchange.getProtocol();
        // The JDK takes everything after the target's space as the version: "GET /a b HTTP/1.1" gives "b HTTP/1.1".
        if (protocol.length() != 8 || !protocol.startsWith("HTTP/1.") || protocol.charAt(7) < '0'
                || protocol.charAt(7) > '9') {
            return "malformed request line: it must be METHOD SP target SP HTTP/1.x";
        }
        Headers headers = exchange.getRequestHeaders();
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            for (String value : header.getValue()) {
                if (HttpSyntax.hasControl(value)) {
                    return "malformed header: a control character (such as NUL) in the value of " + header.getKey();
                }
            }
        }
        List<String> lengths = headers.get("Content-Length");
        if (lengths != null && HttpSyntax.contentLength(lengths) == null) {
            return "bad or conflicting Content-Length " + lengths;
        }
        return null;
    }
}
