package dev.faas.gateway.provider.swarm;

/**
 * Docker's image reference rules the gateway needs, as text: which registry serves a reference, and the reference
 * pinned to the digest that registry answered. Pure. References reach here validated by the API
 * ({@code DeploymentRequests}); the engine has the last word on anything subtler.
 */
final class ImageNames {
    /** Docker Hub's name in references, and the server address Docker's own tools log in to for it. */
    static final String DOCKER_HUB = "docker.io";
    static final String DOCKER_HUB_SERVER = "https://index.docker.io/v1/";

    private ImageNames() {}

    /**
     * The registry host of a reference, as Docker decides it: the first path component when it looks like a host
     * (has a dot or a port, is {@code localhost}, or has upper case, which repository names cannot), else Docker Hub.
     * So {@code faas/x} and {@code docker.io/library/x} are Docker Hub, {@code 127.0.0.1:5000/faas/x:1} is
     * {@code 127.0.0.1:5000}.
     */
    static String registry(String image) {
        int slash = image.indexOf('/');
        if (slash < 0) {
            return DOCKER_HUB;
        }
        String first = image.substring(0, slash);
        boolean host = first.contains(".") || first.contains(":") || first.equals("localhost")
                || !first.equals(first.toLowerCase(java.util.Locale.ROOT));
        if (!host || first.equals("index.docker.io")) { // Docker's legacy name for the Hub
            return DOCKER_HUB;
        }
        return first;
    }

    /** The {@code serveraddress} Docker expects in an auth config for this registry (Docker Hub's is a URL). */
    static String serverAddress(String registry) {
        return registry.equals(DOCKER_HUB) ? DOCKER_HUB_SERVER : registry;
    }

    static boolean hasDigest(String image) {
        return image.indexOf('@') >= 0;
    }

    /**
     * The reference every node pulls: the user's text with the registry's digest appended, as {@code docker service
     * create} pins it ({@code name:tag@sha256:...}), so a tag moved meanwhile cannot give two nodes two contents.
     * The user's text stays a prefix, so {@link #unpinned} gives it back; a reference with a digest already is the
     * user's own pin and is kept.
     */
    static String pinned(String image, String digest) {
        return hasDigest(image) ? image : image + "@" + digest;
    }

    /** The reference without its digest: what the user named, when the digest was the gateway's pin. */
    static String unpinned(String image) {
        int at = image.indexOf('@');
        return at < 0 ? image : image.substring(0, at);
    }
}
