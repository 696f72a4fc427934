package dev.faas.gateway.queue;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Which callback URLs a queued call may name. A callback is a request the platform makes on a caller's behalf, from
 * inside the platform's networks, so it must not reach what callers cannot: the gateway's management API and
 * metrics, NATS, Prometheus, AlertManager, the registry, a Docker daemon's TCP port, the loopback and link-local
 * addresses (cloud metadata services). Checked twice: by name when the call is accepted (a 400), and by address
 * just before posting, since a name may resolve to a platform address. Hosts in async_callback_allow pass both.
 */
public final class CallbackUrls {
    /** The platform's services, as the stack names them (and with its prefix, {@code <stack>_<name>}). */
    static final List<String> PLATFORM = List.of("nats", "prometheus", "alertmanager", "registry", "registry-door",
            "grafana", "gateway");
    private static final Set<Integer> DOCKER_PORTS = Set.of(2375, 2376);

    private final Set<String> allowed;
    private final Set<String> gatewayNames;
    private final Function<String, List<InetAddress>> resolve;

    /**
     * @param allowed      host names or addresses exempt from every rule (lower case)
     * @param ownHostNames the names this gateway answers to besides "gateway" (its container's host name)
     * @param resolve      name resolution (the system's, or a fake in tests); a name that does not resolve gives []
     */
    public CallbackUrls(List<String> allowed, List<String> ownHostNames, Function<String, List<InetAddress>> resolve) {
        this.allowed = Set.copyOf(allowed);
        Set<String> own = new HashSet<>();
        ownHostNames.forEach(n -> own.add(n.toLowerCase(Locale.ROOT)));
        this.gatewayNames = Set.copyOf(own);
        this.resolve = resolve;
    }

    public static List<InetAddress> systemResolver(String host) {
        try {
            return List.of(InetAddress.getAllByName(host));
        } catch (UnknownHostException e) {
            return List.of();
        }
    }

    /** Why {@code url} cannot be a callback (a sentence for a 400), or null when it can. */
    public String problem(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "X-Callback-Url is not a URL: " + e.getReason();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "X-Callback-Url must be an http or https URL";
        }
        String host = host(uri);
        if (host == null) {
            return uri.getRawAuthority() == null ? "X-Callback-Url has no host"
                    : "X-Callback-Url's host is not a valid host name (letters, digits, '-' and '.'; no '_')";
        }
        if (allowed.contains(host)) {
            return null;
        }
        if (DOCKER_PORTS.contains(uri.getPort())) {
            return "X-Callback-Url may not name a Docker daemon's port (" + uri.getPort() + ")";
        }
        String platform = platformName(host);
        if (platform != null) {
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            if (platform.equals("gateway") && (path.startsWith("/function/") || path.startsWith("/async-function/"))) {
                return null; // calling another function back is what callbacks are for
            }
            return "X-Callback-Url may not name the platform's own service " + host
                    + " (only /function/ and /async-function/ of the gateway); async_callback_allow can allow it";
        }
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return "X-Callback-Url may not name localhost";
        }
        if (isLiteralAddress(host)) {
            String why = forbidden(literal(host));
            if (why != null) {
                return "X-Callback-Url may not name a " + why + " address";
            }
        }
        return null;
    }

    /**
     * Checks {@code url} again just before it is posted, by the addresses its host resolves to now.
     *
     * @throws Refused when it must not be posted to
     */
    public void checkBeforePosting(String url) throws Refused {
        String problem = problem(url);
        if (problem != null) {
            throw new Refused(problem);
        }
        URI uri = URI.create(url);
        String host = host(uri);
        if (allowed.contains(host) || platformName(host) != null) {
            return; // allowed by the setting, or the gateway's /function/ route (checked above)
        }
        List<InetAddress> addresses = resolve.apply(host);
        // The services' names and each of their tasks' (tasks.x), and this gateway's own container.
        Set<InetAddress> platform = new HashSet<>();
        for (String name : PLATFORM) {
            platform.addAll(resolve.apply(name));
            platform.addAll(resolve.apply("tasks." + name));
        }
        for (String name : gatewayNames) {
            platform.addAll(resolve.apply(name));
        }
        for (InetAddress a : addresses) {
            if (allowed.contains(a.getHostAddress())) {
                continue;
            }
            String why = forbidden(a);
            if (why != null) {
                throw new Refused("the callback host " + host + " resolves to a " + why + " address");
            }
            if (platform.contains(a)) {
                throw new Refused("the callback host " + host + " resolves to a platform service's address");
            }
        }
    }

    /** The platform service {@code host} names (tasks.x, x, or stack_x), or null. */
    private String platformName(String host) {
        if (gatewayNames.contains(host)) {
            return "gateway";
        }
        String name = host.startsWith("tasks.") ? host.substring("tasks.".length()) : host;
        if (PLATFORM.contains(name)) {
            return name;
        }
        int underscore = name.indexOf('_');
        if (underscore > 0 && PLATFORM.contains(name.substring(underscore + 1))) {
            return name.substring(underscore + 1);
        }
        return null;
    }

    private static String forbidden(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return "loopback";
        }
        if (a.isAnyLocalAddress()) {
            return "wildcard";
        }
        if (a.isLinkLocalAddress()) {
            return "link-local";
        }
        if (a.isMulticastAddress()) {
            return "multicast";
        }
        return null;
    }

    private static String host(URI uri) {
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            return null;
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    private static boolean isLiteralAddress(String host) {
        return host.contains(":") || host.matches("[0-9.]+") || host.matches("0x[0-9a-f]+");
    }

    /** A literal address as the resolver reads it (also "2130706433" or "0x7f000001" style); never a lookup. */
    private static InetAddress literal(String host) {
        try {
            if (host.matches("[0-9]+")) {
                long v = Long.parseLong(host);
                return InetAddress.getByAddress(new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v});
            }
            if (host.startsWith("0x")) {
                long v = Long.parseLong(host.substring(2), 16);
                return InetAddress.getByAddress(new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v});
            }
            return InetAddress.getByName(host); // a literal: parsed, not looked up
        } catch (UnknownHostException | NumberFormatException e) {
            return InetAddress.getLoopbackAddress(); // unreadable: treated as the worst case
        }
    }

    /** The host of a URL, for log lines (never the whole URL: it may hold credentials). */
    public static String hostOf(String url) {
        try {
            String host = new URI(url).getHost();
            return host == null ? "(no host)" : host;
        } catch (URISyntaxException e) {
            return "(not a URL)";
        }
    }

    public static boolean isRefusal(Throwable error) {
        Throwable t = error;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof Refused;
    }

    /** A callback URL that must not be posted to. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }
}
