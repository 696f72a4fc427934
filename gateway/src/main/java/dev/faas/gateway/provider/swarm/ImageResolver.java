package dev.faas.gateway.provider.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.common.Durations;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.ManagementException.Reason;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a deploy's image comes from, decided before anything is created:
 * <ol>
 *   <li>on the manager's engine ({@code GET /images/X/json}): taken as it is, with no registry traffic at all, so
 *   a node without a registry (and every test) never asks one; pinned by the digest it carries from its registry,
 *   if it was pushed there ({@link #pushedAs});</li>
 *   <li>else from its registry, asked through the manager's engine ({@code GET /distribution/X/json}, with the
 *   credentials): the service then runs {@code X@sha256:...}, pinned as {@code docker service create} pins, so
 *   every node pulls the same content even if the tag moves meanwhile. The manager's engine then pulls that pin
 *   ({@code POST /images/create}, the same credentials), within {@code image_pull_timeout}: a dockerd that prefers
 *   its own images for tasks ({@code DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1}, as {@code scripts/docker-ready.sh}
 *   starts it) never pulls for a task, so without this a single node could never run a registry's image. Other
 *   nodes pull it themselves, by the digest.</li>
 * </ol>
 * Pulled by digest only, never by tag: the next deploy of the same tag asks the registry again, so a moved tag is
 * picked up. A registry's refusal becomes a 400 that names the image and says what to do, a pull past its deadline
 * a 503; credentials never appear in either, nor in the log.
 */
final class ImageResolver {
    private static final Logger LOG = LoggerFactory.getLogger(ImageResolver.class);

    /** The engine calls made here: the seam the rules are tested through, without Docker. */
    interface Engine {
        /** GET {@code path} with request headers; an IOException when no answer came within the Docker deadline. */
        DockerRest.Reply get(String path, Map<String, String> headers) throws IOException;

        /**
         * POST {@code path} with request headers and read its JSON-lines answer to the end ({@link
         * DockerRest#stream}); {@link DockerApi.DeadlinePassed} when it did not end within {@code deadline}.
         */
        DockerRest.Progress post(String path, Map<String, String> headers, Duration deadline) throws IOException;
    }

    /** What the service runs ({@code image}) and the credentials to pass on, so every node can pull it. */
    record Resolved(String image, RegistryAuth auth, boolean local) {}

    private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+:[a-f0-9]{32,}");
    private static final int MAX_DOCKER_WORDS = 200;

    private final Engine engine;
    private final Duration pullTimeout;

    /** @param pullTimeout the longest a pull onto the manager may take ({@code image_pull_timeout}) */
    ImageResolver(Engine engine, Duration pullTimeout) {
        this.engine = engine;
        this.pullTimeout = pullTimeout;
    }

    /** @param registryAuth the deploy's field: base64 {@code user:password}, or empty */
    Resolved resolve(String image, String registryAuth) throws ManagementException {
        String registry = ImageNames.registry(image);
        // Parsed first, so a malformed value is refused the same way whether or not the image is local.
        RegistryAuth auth = RegistryAuth.parse(registryAuth, registry);
        DockerRest.Reply local = call("/images/" + image + "/json", Map.of());
        if (local.ok()) {
            return new Resolved(pushedAs(image, local.body()), auth, true);
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
        String pinned = ImageNames.pinned(image, digest);
        pull(pinned, registry, auth);
        return new Resolved(pinned, auth, false);
    }

    /**
     * A local image that was pushed to (or pulled from) the registry it names carries that registry's digest: pinned
     * by it, other nodes run the same content even if the tag is pushed again meanwhile, and no registry is asked.
     * An image only built here has no such digest and stays as it is.
     */
    static String pushedAs(String image, JsonNode inspected) {
        if (ImageNames.hasDigest(image)) {
            return image;
        }
        String repository = repository(image);
        for (JsonNode d : inspected.path("RepoDigests")) {
            String text = d.asText("");
            if (text.startsWith(repository + "@") && DIGEST.matcher(text.substring(repository.length() + 1)).matches()) {
                return ImageNames.pinned(image, text.substring(repository.length() + 1));
            }
        }
        return image;
    }

    /**
     * Pulls {@code pinned} ({@code name[:tag]@digest}) onto the manager's engine by its digest, reading Docker's
     * progress to the end: an error line there is the pull's failure, whatever the status said.
     */
    private void pull(String pinned, String registry, RegistryAuth auth) throws ManagementException {
        int at = pinned.indexOf('@');
        String path = "/images/create?fromImage=" + DockerRest.path(repository(pinned.substring(0, at)))
                + "&tag=" + DockerRest.path(pinned.substring(at + 1));
        long started = System.nanoTime();
        DockerRest.Progress progress;
        try {
            progress = engine.post(path, auth.headers(), pullTimeout);
        } catch (DockerApi.DeadlinePassed e) {
            throw new ManagementException(Reason.TIMED_OUT, "pulling image " + pinned + " took longer than "
                    + "image_pull_timeout (" + Durations.format(pullTimeout) + "); nothing was deployed or "
                    + "changed: try again, or pull it on the manager first (docker pull " + pinned + "), or raise "
                    + "image_pull_timeout");
        } catch (IOException e) {
            throw DockerRest.unreachable(e);
        }
        if (!progress.ok()) {
            throw invalid("image " + pinned + ": the registry " + registry + " has it, but pulling it onto this node "
                    + "failed (" + printable(progress.error()) + "): check the registry and the manager's disk "
                    + "(docker pull " + pinned + " on the manager shows the same), then deploy again");
        }
        LOG.info("event=image_pulled image={} seconds={}", pinned, String.format(Locale.ROOT, "%.1f",
                (System.nanoTime() - started) / 1e9));
    }

    /** {@code name[:tag]} without its tag: what {@code fromImage} names (a port's colon comes before a slash). */
    static String repository(String reference) {
        int colon = reference.lastIndexOf(':');
        return colon > reference.lastIndexOf('/') ? reference.substring(0, colon) : reference;
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
