package dev.faas.gateway.provider.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.gateway.config.GatewayConfig;
import dev.faas.gateway.provider.FunctionDeployment;
import dev.faas.gateway.provider.FunctionManager;
import dev.faas.gateway.provider.FunctionStatus;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.ManagementException.Reason;
import dev.faas.gateway.scaling.ReplicaBounds;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Functions as Swarm services (specs: {@link ServiceSpecs}). Everything a deploy needs (its image, on this node or in
 * its registry and then pulled onto this node: {@link ImageResolver}; secrets; network) is checked before the service
 * is created, so a refused deploy leaves nothing behind (a pulled image stays on the node). These calls wait on Docker
 * (a pull up to {@code image_pull_timeout}): the API runs them on worker threads, never on Undertow's IO threads
 * ({@code Api.blocking}). The deploy's registry credentials go to Swarm with the create or update, which keeps them
 * with the service for every node's pulls (a scale, sent without them, keeps them too). Updates and scaling
 * send the service's own spec back with changes, at the version read; when someone else updated it in between,
 * Docker refuses ("update out of sequence") and the call is re-read and retried.
 */
public final class SwarmManager implements FunctionManager {
    private static final Logger LOG = LoggerFactory.getLogger(SwarmManager.class);
    private static final int ATTEMPTS = 12;

    private final DockerRest docker;
    private final SwarmSecrets secrets;
    private final FunctionsNetwork network;
    private final ImageResolver images;
    private final Consumer<String> changed;
    private final int maxReplicas;

    /** @param changed told the id of each service this manager created, changed or removed, before it answers */
    public SwarmManager(DockerApi api, GatewayConfig config, Consumer<String> changed) {
        this.changed = changed;
        this.maxReplicas = config.maxReplicas();
        this.docker = new DockerRest(api);
        this.secrets = new SwarmSecrets(docker);
        this.network = new FunctionsNetwork(docker, config.functionsNetwork(), config.ownContainer());
        this.images = new ImageResolver(new ImageResolver.Engine() {
            @Override
            public DockerRest.Reply get(String path, Map<String, String> headers) throws IOException {
                return docker.exchange("GET", path, null, headers);
            }

            @Override
            public DockerRest.Progress post(String path, Map<String, String> headers, Duration deadline)
                    throws IOException {
                return docker.stream("POST", path, headers, deadline);
            }
        }, config.imagePullTimeout());
    }

    public SwarmSecrets secrets() {
        return secrets;
    }

    public SwarmLogs logs() {
        return new SwarmLogs(docker, this::service);
    }

    @Override
    public List<FunctionStatus> list() throws ManagementException {
        List<FunctionStatus> all = new ArrayList<>();
        for (JsonNode service : functionServices()) {
            all.add(FunctionStatuses.of(service));
        }
        all.sort((a, b) -> a.name().compareTo(b.name()));
        return all;
    }

    @Override
    public FunctionStatus get(String name) throws ManagementException {
        return FunctionStatuses.of(service(name));
    }

    @Override
    public void deploy(FunctionDeployment d) throws ManagementException {
        DockerRest.Reply existing = docker.get("/services/" + DockerRest.path(d.service()));
        if (existing.ok() || functionServices().stream().anyMatch(s -> FunctionStatuses.isCalled(s, d.service()))) {
            throw new ManagementException(Reason.CONFLICT, "a function or service named " + d.service()
                    + " exists already: update a function with PUT /system/functions, or delete it first");
        }
        FunctionsNetwork.Resolved net = network.resolve();
        requireFreeName(d.service(), "", net);
        // Secrets before the image: resolving it may pull it, which takes as long as its layers take.
        Map<String, String> secretIds = secrets.ids(d.secrets());
        ImageResolver.Resolved image = images.resolve(d.image(), d.registryAuth());
        int replicas = ReplicaBounds.fromLabels(d.labels(), maxReplicas).min();
        DockerRest.Reply reply = docker.post("/services/create",
                ServiceSpecs.create(d, image.image(), net.id(), secretIds, replicas), image.auth().headers());
        if (reply.status() == 409) {
            throw new ManagementException(Reason.CONFLICT, "function " + d.service() + " exists already");
        }
        if (reply.status() == 400) {
            throw new ManagementException(Reason.INVALID, "docker refused the function: " + reply.message());
        }
        if (!reply.ok()) {
            throw DockerRest.failed("creating function " + d.service(), reply);
        }
        changed.accept(reply.body().path("ID").asText());
        LOG.info("event=function_deployed name={} image={} runs={} registry_auth={} replicas={}", d.service(),
                d.image(), image.local() ? "local" : image.image(), image.auth().given(), replicas);
    }

    @Override
    public void update(FunctionDeployment d) throws ManagementException {
        JsonNode service = service(d.service());
        requireFreeName(d.service(), service.path("ID").asText(), network.resolve());
        Map<String, String> secretIds = secrets.ids(d.secrets());
        ImageResolver.Resolved image = images.resolve(d.image(), d.registryAuth());
        change(d.service(), current -> ServiceSpecs.update(current, d, image.image(), secretIds),
                image.auth().headers());
        LOG.info("event=function_updated name={} image={} runs={} registry_auth={}", d.service(), d.image(),
                image.local() ? "local" : image.image(), image.auth().given());
    }

    @Override
    public void delete(String name) throws ManagementException {
        JsonNode service = service(name);
        DockerRest.Reply reply = docker.delete("/services/" + DockerRest.path(service.path("ID").asText()));
        if (reply.status() == 404) {
            throw notFound(name);
        }
        if (!reply.ok()) {
            throw DockerRest.failed("removing function " + name, reply);
        }
        changed.accept(service.path("ID").asText());
        LOG.info("event=function_deleted name={}", name);
    }

    @Override
    public void scale(String name, int replicas) throws ManagementException {
        // No X-Registry-Auth: Swarm then keeps the credentials the service was deployed with (registryAuthFrom=spec).
        change(name, current -> ServiceSpecs.withReplicas(current, replicas), Map.of());
        LOG.info("event=function_scaled name={} replicas={}", name, replicas);
    }

    private interface SpecChange {
        JsonNode apply(JsonNode currentSpec);
    }

    /**
     * Read, change, write at the version read. Another writer in between (an API call, an alert, or Swarm itself,
     * which bumps the version as a rolling update progresses) makes Docker refuse the write; whatever its words, the
     * refusal is a lost race exactly when the version has moved on since, and the change is re-read and tried again
     * after a short random pause (so racing writers do not collide again in lockstep).
     */
    private void change(String name, SpecChange change, Map<String, String> headers) throws ManagementException {
        for (int attempt = 1; ; attempt++) {
            JsonNode service = service(name);
            String id = service.path("ID").asText();
            long version = version(service);
            DockerRest.Reply reply = docker.post("/services/" + DockerRest.path(id) + "/update?version=" + version,
                    change.apply(service.path("Spec")), headers);
            if (reply.ok()) {
                changed.accept(id);
                return;
            }
            if (reply.status() == 404) {
                throw notFound(name);
            }
            boolean lostRace = reply.message().contains("out of sequence") || version(service(name)) != version;
            if (lostRace && attempt < ATTEMPTS) {
                pause(attempt);
                continue;
            }
            if (reply.status() == 400 && !lostRace) {
                throw new ManagementException(Reason.INVALID, "docker refused the change: " + reply.message());
            }
            throw DockerRest.failed("updating function " + name + (lostRace ? " (changed by others " + attempt
                    + " times while this change was tried: try again)" : ""), reply);
        }
    }

    private static long version(JsonNode service) {
        return service.path("Version").path("Index").asLong();
    }

    /** 10-40 ms, growing with the attempt up to about 0.5 s: a rolling update bumps the version for seconds. */
    private static void pause(int attempt) throws ManagementException {
        long ms = Math.min(500, 10L << Math.min(attempt, 6)) / 2
                + java.util.concurrent.ThreadLocalRandom.current().nextLong(10, 40);
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ManagementException(Reason.UNAVAILABLE, "interrupted while retrying a change");
        }
    }

    /** 400 when anything on the functions network already answers to {@code name} (see {@link NetworkNames}). */
    private void requireFreeName(String name, String ownId, FunctionsNetwork.Resolved net) throws ManagementException {
        DockerRest.Reply services = docker.get("/services");
        DockerRest.Reply inspected = docker.get("/networks/" + DockerRest.path(net.id()));
        if (!services.ok()) {
            throw DockerRest.failed("listing services", services);
        }
        if (!inspected.ok()) {
            throw DockerRest.failed("inspecting network " + net.name(), inspected);
        }
        String owner = NetworkNames.on(net, services.body(), inspected.body().path("Containers")).takenBy(name, ownId);
        if (owner != null) {
            throw new ManagementException(Reason.INVALID, "the name " + name + " is taken on the functions network "
                    + net.name() + " by " + owner + ": a function of that name would receive calls meant for it; "
                    + "choose another name");
        }
    }

    /** The service of the function called {@code name} (its function name or its full service name). */
    JsonNode service(String name) throws ManagementException {
        for (JsonNode s : functionServices()) {
            if (FunctionStatuses.isCalled(s, name)) {
                return s;
            }
        }
        throw notFound(name);
    }

    private List<JsonNode> functionServices() throws ManagementException {
        DockerRest.Reply reply = docker.get("/services?status=true&" + DockerRest.filters(
                "{\"label\":[\"" + ServiceSpecs.FUNCTION_LABEL + "=true\"]}"));
        if (!reply.ok()) {
            throw DockerRest.failed("listing services", reply);
        }
        // Only the functions on this gateway's network: another stack's function of the same name is not ours.
        FunctionsNetwork.Resolved served = network.resolve();
        List<JsonNode> services = new ArrayList<>();
        reply.body().forEach(s -> {
            if (SwarmState.isAttached(s, served)) {
                services.add(s);
            }
        });
        return services;
    }

    private static ManagementException notFound(String name) {
        return new ManagementException(Reason.NOT_FOUND, "function " + name + " not found");
    }
}
