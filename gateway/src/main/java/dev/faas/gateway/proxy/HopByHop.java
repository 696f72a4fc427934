package dev.faas.gateway.proxy;

import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.List;
import java.util.Locale;

/**
 * Removes the hop-by-hop headers (RFC 9110 §7.6.1) that describe one connection and must not be forwarded,
 * plus every header a {@code Connection} header names. Framing headers (Content-Length, Transfer-Encoding) stay:
 * Undertow rewrites them for each side itself and needs them to stream bodies.
 */
public final class HopByHop {
    static final List<HttpString> HEADERS = List.of(
            Headers.CONNECTION, Headers.KEEP_ALIVE, Headers.PROXY_AUTHENTICATE, Headers.PROXY_AUTHORIZATION,
            Headers.TE, Headers.TRAILER, Headers.UPGRADE, new HttpString("Proxy-Connection"));

    private HopByHop() {}

    public static void strip(HeaderMap headers) {
        HeaderValues connection = headers.get(Headers.CONNECTION);
        if (connection != null) {
            for (String value : connection) {
                for (String token : value.split(",")) {
                    String name = token.trim().toLowerCase(Locale.ROOT);
                    if (!name.isEmpty() && !name.equals("content-length") && !name.equals("transfer-encoding")) {
                        headers.remove(name);
                    }
                }
            }
        }
        for (HttpString h : HEADERS) {
            headers.remove(h);
        }
    }
}
