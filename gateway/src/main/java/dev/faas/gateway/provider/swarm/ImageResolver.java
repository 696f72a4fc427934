package dev.faas.gateway.provider.swarm;

import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.ManagementException.Reason;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where a deploy's image comes from, decided before anything is created:
 * <ol>
 *   <li>on the manager's engine ({@code GET /images/X/json}): taken as it is, with no registry traffic at all, so
 *   a node without a registry (and every test) never asks one;</li>
 *   <li>else from its registry, asked through the manager's engine ({@code GET /distribution/X/json}, with the
 *   credentials): the service then runs {@code X@sha256:...}, pinned as {@code docker service create} pins, so
 *   every node pulls the same content even if the tag moves meanwhile.</li>
 * </ol>
 * A registry's refusal becomes a 400 that names the image and says what to do; credentials never appear in one.
 */
final class ImageResolver {
    /** The engine calls made here: the seam the rules are tested through, without Docker. */
    @FunctionalInterface
    interface Engine {
        /** GET {@code path} with request headers; an IOException when no answer came within the deadline. */
        DockerRest.Reply get(String path, Map<String, String> headers) throws IOException;
    }

    /** What the service runs ({@code image}) and the credentials to pass on, so every node can pull it. */
    record Resolved(String image, RegistryAuth auth, boolean local) {}

    private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+:[a-f0-9]{32,}");
    private static final int MAX_DOCKER_WORDS = 200;

    private final Engine engine;

    ImageResolver(Engine engine) {
        this.engine = engine;
    }

    /** @param registryAuth the deploy's field: base64 {@code user:password}, or empty */
    Resolved resolve(String image, String registryAuth) throws ManagementException {
        String registry = ImageNames.registry(image);
        // Parsed first, so a malformed value is refused the same way whether or not the image is local.
        RegistryAuth auth = RegistryAuth.parse(registryAuth, registry);
        DockerRest.Reply local = call("/images/" + image + "/json", Map.of());
        if (local.ok()) {
            return new Resolved(image, auth, true);
        }
        if (local.status() != 404) {
            throw DockerRest.failed("inspecting image " + image, local);
        }
        DockerRest.Reply remote;
        try {
            remote = engine.get("/distribution/" + image + "/json", auth.headers());
        } catch (IOException e) {
            // The engine answered the inspect a moment ago: the time went on the registry.
            throw invalid("image " + image + " is not on this node and its registry " + registry + " did not answer "
                    + "in time (" + DockerApi.describe(e) + "): check that it runs and that the manager reaches it");
        }
        if (!remote.ok()) {
            throw refusal(image, registry, auth.given(), remote);
        }
        String digest = remote.body().path("Descriptor").path("digest").asText("");
        if (!DIGEST.matcher(digest).matches()) {
            throw new ManagementException(Reason.FAILED, "image " + image + ": the registry " + registry
                    + " answered no digest for it (\"" + printable(digest) + "\")");
        }
        return new Resolved(ImageNames.pinned(image, digest), auth, false);
    }

    /**
     * Docker's answer when the registry would not give the image. The daemon passes the registry's own status on
     * (401, 403, 404) when it has one; failures on the way (no credentials for basic auth, no connection) come as a
     * 500 whose words say which, so those are read too.
     */
    static ManagementException refusal(String image, String registry, boolean withAuth, DockerRest.Reply reply) {
        String words = reply.message().toLowerCase(Locale.ROOT);
        boolean auth = reply.status() == 401 || reply.status() == 403 || words.contains("unauthorized")
                || words.contains("authentication required") || words.contains("no basic auth credentials")
                || words.contains("denied") || words.contains("incorrect username or password");
        boolean missing = reply.status() == 404 || words.contains("manifest unknown") || words.contains("name unknown")
                || words.contains("not known to registry");
        if (auth && withAuth) {
            return invalid("image " + image + ": the registry " + registry + " refused the credentials (registryAuth)"
                    + ": check the user and password, and that this user may pull " + image);
        }
        if (auth) {
            // Docker Hub answers "denied" for a repository that does not exist as well as for a private one.
            return invalid("image " + image + " is not on this node and the registry " + registry + " wants "
                    + "credentials for it, or does not have it: pass registryAuth (base64 user:password), or push it "
                    + "first (docker push " + image + ")");
        }
        if (missing) {
            return invalid("image " + image + " exists neither on this node nor in its registry (" + registry
                    + "): push it first (docker push " + image + ") or build it on the manager");
        }
        if (reply.status() == 400) {
            return invalid("image " + image + ": docker refused the reference (" + printable(reply.message()) + ")");
        }
        return invalid("image " + image + " is not on this node and its registry " + registry + " cannot be reached ("
                + printable(reply.message()) + "): start the registry or correct the image's address (a registry "
                + "over plain http must be in dockerd's insecure-registries)");
    }

    private DockerRest.Reply call(String path, Map<String, String> headers) throws ManagementException {
        try {
            return engine.get(path, headers);
        } catch (IOException e) {
            throw DockerRest.unreachable(e);
        }
    }

    /** Docker's words on one short line (it lists a registry's errors one per line). */
    private static String printable(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() > MAX_DOCKER_WORDS ? line.substring(0, MAX_DOCKER_WORDS) + "..." : line;
    }

    private static ManagementException invalid(String message) {
        return new ManagementException(Reason.INVALID, message);
    }
}
