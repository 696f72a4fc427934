package dev.faas.gateway.auth;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * API keys for {@code Authorization: Bearer <key>} (the Blueprint FaaS spec's usual scheme), each in a Docker secret
 * named by {@code blueprint_api_keys}. A Bearer header is checked against every key in full, in time that does not
 * depend on where they differ; any other request goes on to basic auth. A key is not the admin's password: it reaches
 * only the functions deployed through the Blueprint routes ({@link #USED}).
 */
public final class BearerKeys {
    /** On an exchange let through by a Bearer key: it may reach only what the Blueprint door made. */
    public static final io.undertow.util.AttachmentKey<Boolean> USED = io.undertow.util.AttachmentKey.create(Boolean.class);
    private final List<byte[]> keys;

    BearerKeys(List<byte[]> keys) {
        this.keys = List.copyOf(keys);
    }

    /** The keys in {@code secrets} under {@code directory}; a missing or empty file stops the gateway's start. */
    public static BearerKeys load(Path directory, List<String> secrets) {
        List<byte[]> keys = new ArrayList<>();
        for (String name : secrets) {
            Path file = directory.resolve(name);
            try {
                String key = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (key.length() < 16) {
                    throw new IllegalStateException(file + " holds a key shorter than 16 characters: make a longer one"
                            + " (e.g. openssl rand -hex 32 | docker secret create " + name + " -)");
                }
                keys.add(key.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file + " (blueprint_api_keys names it): create the"
                        + " secret and give it to the gateway, or remove it from blueprint_api_keys");
            }
        }
        return new BearerKeys(keys);
    }

    boolean accepts(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] key : keys) {
            ok |= MessageDigest.isEqual(key, given);
        }
        return ok;
    }

    /**
     * {@code basic} (the /system guard) widened: a request with a Bearer header passes with one of these keys and is
     * refused (401, JSON in the spec's error shape) with another; without one it meets {@code basic}.
     */
    public UnaryOperator<HttpHandler> or(UnaryOperator<HttpHandler> basic) {
        return next -> {
            HttpHandler guarded = basic.apply(next);
            return exchange -> {
                String authorization = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
                if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                    guarded.handleRequest(exchange);
                } else if (accepts(authorization)) {
                    exchange.putAttachment(USED, true);
                    next.handleRequest(exchange);
                } else {
                    refuse(exchange);
                }
            };
        };
    }

    private static void refuse(HttpServerExchange exchange) {
        exchange.setStatusCode(401);
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer realm=\"faas\"");
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send("{\"error\":\"unauthorized: the Bearer key is not one of the gateway's"
                + " blueprint_api_keys\",\"code\":\"UNAUTHORIZED\",\"details\":{}}");
    }
}
