package dev.faas.gateway.proxy;

import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Removes the hop-by-hop headers (RFC 9110 §7.6.1) that describe one connection and must not be forwarded,
 * plus every header a {@code Connection} header names, except those in {@link #KEPT}.
 */
public final class HopByHop {
    static final List<HttpString> HEADERS = List.of(
            Headers.CONNECTION, Headers.KEEP_ALIVE, Headers.PROXY_AUTHENTICATE, Headers.PROXY_AUTHORIZATION,
            Headers.TE, Headers.TRAILER, Headers.UPGRADE, new HttpString("Proxy-Connection"));

    /**
     * Never removed, whatever {@code Connection} names: the framing (Undertow needs it), {@code Host} (a caller's
     * {@code Connection: host} took it from the function) and the call's own headers, which the gateway sets.
     */
    private static final Set<String> KEPT =
            Set.of("content-length", "transfer-encoding", "host", "x-call-id", "x-start-time");

    private HopByHop() {}

    public static void strip(HeaderMap headers) {
        HeaderValues connection = headers.get(Headers.CONNECTION);
        if (connection != null) {
            for (String value : connection) {
                for (String token : value.split(",")) {
                    String name = token.trim().toLowerCase(Locale.ROOT);
                    if (!name.isEmpty() && !KEPT.contains(name)) {
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
