package dev.faas.gateway.build;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.faas.gateway.provider.FunctionDeployment;
import dev.faas.gateway.provider.FunctionManager;
import dev.faas.gateway.provider.FunctionStatus;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.ManagementException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import dev.faas.gateway.provider.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The build verb of the lifecycle core, which every front door uses: upload → safe unpack → context (template,
 * Dockerfile or bootstrap) → content tag → image (built only when no image of that content exists) → on every node →
 * deployed or updated → ready. A build that fails deploys nothing, so the running version keeps serving. One build
 * at a time per function (a second is a 409 at once); its working files are removed however it ends. Runs on the
 * caller's thread, which is a build thread (never one of the request path).
 */
public final class Builds {
    private static final Logger LOG = LoggerFactory.getLogger(Builds.class);
    /** Where the settings a build deployed are remembered, so an unchanged second build rolls nothing. */
    public static final String DIGEST_ANNOTATION = "com.faas.build.digest";
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /**
     * @param repository   the image repository built functions are tagged in, before the function's name
     * @param readyTimeout how long a build waits for a replica of what it deployed to be ready
     * @param concurrency  builds Docker runs at once; the others wait their turn
     * @param owner        who builds (the stack's functions network): part of the tag, so two stacks on one engine
     *                     never share an image that removing one of them would take from the other
     */
    public record Settings(Archives.Limits limits, Path workRoot, String repository, java.time.Duration readyTimeout,
                           int concurrency, String owner) {}

    private final ImageBuilder images;
    private final FunctionManager functions;
    private final BuildContexts contexts;
    private final java.util.function.Function<String, Function> find;
    private final Settings settings;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.Semaphore slots;

    /** @param find the function of that name as the gateway routes to it (its ready replicas), or null */
    public Builds(ImageBuilder images, FunctionManager functions, BuildContexts contexts,
                  java.util.function.Function<String, Function> find, Settings settings) {
        this.images = images;
        this.functions = functions;
        this.contexts = contexts;
        this.find = find;
        this.settings = settings;
        this.slots = new java.util.concurrent.Semaphore(settings.concurrency(), true);
    }

    /** Whether a build of this function runs now (names that differ only in case are one function to Swarm). */
    public boolean isRunning(String name) {
        return running.contains(name.toLowerCase(Locale.ROOT));
    }

    public BuildResult run(BuildRequest request, BuildEvents events) throws BuildException {
        long started = System.nanoTime();
        String name = request.function();
        String key = name.toLowerCase(Locale.ROOT);
        if (!running.add(key)) {
            delete(request.archive());
            throw new BuildException(409, "a build of " + name + " is running: wait for it to end", "");
        }
        Path work = null;
        try {
            work = Files.createTempDirectory(settings.workRoot(), "build-");
            Path unpacked = Files.createDirectory(work.resolve("upload"));
            long bytes = Archives.unpack(request.archive(), unpacked, settings.limits());
            delete(request.archive());
            events.step("unpacked " + bytes + " bytes");
            BuildContexts.Prepared prepared = contexts.prepare(unpacked, request.lang(), work);
            events.step("building with " + (prepared.lang().equals(BuildContexts.DOCKERFILE) ? "its own Dockerfile"
                    : "the template " + prepared.lang()));
            String tag = tag(prepared.context(), name, request.buildArgs());
            boolean built = images.imageId(tag).isEmpty();
            if (built) {
                Path tar = work.resolve("context.tar");
                ContextTar.write(prepared.context(), tar);
                if (!slots.tryAcquire()) {
                    events.step("waiting for one of the " + settings.concurrency() + " builds running to end");
                    slots.acquireUninterruptibly();
                }
                try {
                    images.build(tar, tag, request.buildArgs(), events::log);
                } finally {
                    slots.release();
                }
                if (images.imageId(tag).isEmpty()) {
                    throw new BuildException(422, "the build ended without an image " + tag + ": see its log", "");
                }
                LOG.info("event=image_built function={} image={} lang={}", name, tag, prepared.lang());
            } else {
                events.step("an image of this content exists (" + tag + "): nothing to build");
            }
            String image = images.distribute(tag, events::step);
            if (!request.deploy()) {
                return new BuildResult(name, image, built, "built", false, seconds(started), -1, bytes);
            }
            long deployed = System.nanoTime();
            Set<String> before = readyReplicas(name);
            String action = deploy(request.deployment(), image, request.createOnly());
            events.step(action + " " + name);
            boolean isReady = action.equals("unchanged") ? !before.isEmpty() : awaitNewReplica(name, before);
            double readySeconds = isReady ? seconds(deployed) : -1;
            if (!isReady) {
                events.step("no replica of " + name + " is ready after " + settings.readyTimeout().toSeconds()
                        + " s: see its logs (GET /system/logs?name=" + name + ")");
            }
            LOG.info("event=build_deployed function={} image={} built={} action={} seconds={}", name, image, built,
                    action, String.format(Locale.ROOT, "%.1f", seconds(started)));
            return new BuildResult(name, image, built, action, isReady, seconds(started), readySeconds, bytes);
        } catch (IOException e) {
            LOG.error("event=build_error function={} error=\"{}\"", name, e.toString());
            throw new BuildException(500, "the build's files could not be written: " + e.getMessage(), "");
        } finally {
            delete(request.archive());
            if (work != null) {
                delete(work);
            }
            running.remove(key);
        }
    }

    /** {@code <repository>/<name>:<content>}; image names are lower case, function names need not be. */
    private String tag(Path context, String name, Map<String, String> buildArgs) throws IOException, BuildException {
        Map<String, String> bases = new HashMap<>();
        Path dockerfile = context.resolve("Dockerfile");
        if (Files.isRegularFile(dockerfile)) {
            String text = Files.readString(dockerfile, StandardCharsets.UTF_8);
            String remote = Dockerfiles.remoteAdd(text);
            if (remote != null) {
                throw BuildException.invalid("the Dockerfile downloads at build time (" + Archives.printable(remote)
                        + "): builds have no network; put the file into the upload and ADD or COPY it from there");
            }
            for (String base : Dockerfiles.baseImages(text, buildArgs)) {
                String id = images.imageId(base);
                if (id.isEmpty()) {
                    // The classic builder would pull it, whatever networkmode says: builds never pull.
                    throw BuildException.invalid("the base image " + Archives.printable(base) + " is not on the"
                            + " manager's engine, and builds never pull: build or load it there first (docker"
                            + " load), or build on a base that is (faas/watchdog, faas/python3, faas/node)");
                }
                bases.put(base, id);
            }
        }
        bases.put("(owner)", settings.owner());
        return settings.repository() + "/" + name.toLowerCase(Locale.ROOT) + ":" + ContentTag.of(context, buildArgs, bases);
    }

    /** Creates the function, or updates it unless it already runs this image with these settings. */
    private String deploy(FunctionDeployment wanted, String image, boolean createOnly) throws BuildException {
        Map<String, String> annotations = new LinkedHashMap<>(wanted.annotations());
        FunctionDeployment withImage = with(wanted, image, annotations);
        annotations.put(DIGEST_ANNOTATION, digest(withImage));
        FunctionDeployment d = with(wanted, image, annotations);
        try {
            FunctionStatus current;
            try {
                current = functions.get(d.service());
            } catch (ManagementException e) {
                if (e.reason() != Reason.NOT_FOUND) {
                    throw e;
                }
                functions.deploy(d);
                return "created";
            }
            if (createOnly) {
                throw new BuildException(409, "a function named " + d.service() + " exists already", "");
            }
            if (annotations.get(DIGEST_ANNOTATION).equals(current.annotations().get(DIGEST_ANNOTATION))) {
                return "unchanged";
            }
            functions.update(d);
            return "updated";
        } catch (ManagementException e) {
            int status = switch (e.reason()) {
                case INVALID -> 400;
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
                case UNAVAILABLE, TIMED_OUT -> 503;
                default -> 500;
            };
            throw new BuildException(status, "the image " + image + " was built, but deploying it failed: "
                    + e.getMessage(), "");
        }
    }

    private static FunctionDeployment with(FunctionDeployment d, String image, Map<String, String> annotations) {
        return new FunctionDeployment(d.service(), image, d.envProcess(), d.envVars(), d.labels(), annotations,
                d.constraints(), d.secrets(), d.limits(), d.requests(), d.readOnlyRootFilesystem(), d.network(),
                d.namespace(), d.registryAuth());
    }

    private static String digest(FunctionDeployment d) {
        try {
            Map<String, Object> fields = JSON.convertValue(d, JSON.getTypeFactory().constructMapType(Map.class,
                    String.class, Object.class));
            fields.remove("registryAuth");
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsBytes(fields));
            return HexFormat.of().formatHex(sha).substring(0, 16);
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot digest a deployment", e);
        }
    }

    private Set<String> readyReplicas(String name) {
        Function f = find.apply(name);
        return f == null ? Set.of() : f.replicas().stream().map(r -> r.id()).collect(java.util.stream.Collectors.toSet());
    }

    /**
     * Until a replica that was not ready before the deploy is (the new version: an update starts its replicas before
     * stopping the old ones), or the function is at zero replicas by choice (the next call starts it).
     */
    private boolean awaitNewReplica(String name, Set<String> before) {
        long deadline = System.nanoTime() + settings.readyTimeout().toNanos();
        while (true) {
            Function f = find.apply(name);
            if (f != null && f.desiredReplicas() == 0) {
                return false;
            }
            if (f != null && f.replicas().stream().anyMatch(r -> !before.contains(r.id()))) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void delete(Path path) {
        if (path == null || !Files.exists(path)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("event=build_cleanup_failed path={} error=\"{}\"", path, e.toString());
        }
    }
}
