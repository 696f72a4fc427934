package dev.faas.cli.gateway;

import dev.faas.cli.CliFailure;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/** Where the gateway is: the first of --gateway, OPENFAAS_URL, the file's provider.gateway, the local default. */
public final class GatewayAddress {
    public static final String DEFAULT = "http://127.0.0.1:8080";

    private GatewayAddress() {
    }

    /** @param flag --gateway, or null; @param fromFile the file's provider.gateway, or null */
    public static URI resolve(String flag, Map<String, String> env, String fromFile) {
        String chosen = firstSet(flag, env.get("OPENFAAS_URL"), fromFile, DEFAULT);
        return normalize(chosen);
    }

    /** {@code 127.0.0.1:8080/} → {@code http://127.0.0.1:8080}: a scheme when none is given, no trailing slash. */
    static URI normalize(String address) {
        String text = address.strip();
        if (!text.contains("://")) {
            text = "http://" + text;
        }
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        try {
            URI uri = new URI(text);
            if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new URISyntaxException(text, "not an http(s) address with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw CliFailure.usage("the gateway address " + address + " is not valid (" + e.getReason()
                    + "): write it as http://host:port");
        }
    }

    private static String firstSet(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        throw new IllegalStateException("the default is always set");
    }
}
