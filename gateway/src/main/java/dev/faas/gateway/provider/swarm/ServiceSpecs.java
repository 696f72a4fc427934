package dev.faas.gateway.provider.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.gateway.provider.FunctionDeployment;
import dev.faas.gateway.provider.FunctionDeployment.Resources;
import dev.faas.gateway.provider.Quantities;
import java.util.Map;
import java.util.TreeMap;

/**
 * Swarm service specs for functions, as Docker's own JSON. Pure, so every rule is unit-tested:
 * <ul>
 *   <li>labels {@code function=true} and {@code com.openfaas.function=<name>}, the user's labels, and annotations as
 *   {@code com.openfaas.annotations.<key>}, on the service and on its containers;</li>
 *   <li>env {@code fprocess} from envProcess, then envVars; tini as PID 1 (it reaps what a killed function leaves);</li>
 *   <li>the functions network, DNSRR endpoints (this kernel has no IPVS for virtual IPs);</li>
 *   <li>restart on any exit after 5 s, at most 5 times (OpenFaaS's policy);</li>
 *   <li>rolling updates one task at a time, the new task started (and healthy) before the old one stops, rolled
 *   back if the new one fails; rollbacks the same way;</li>
 *   <li>readOnlyRootFilesystem: a read-only root with a tmpfs /tmp;</li>
 *   <li>each secret as a file at {@code /var/openfaas/secrets/<name>}, where every OpenFaaS provider mounts them and
 *   OpenFaaS functions and templates read them, and at Docker's own {@code /run/secrets/<name>}.</li>
 * </ul>
 * An update edits the service's current spec in place, so whatever else it carries (fields this code does not know,
 * a stack's labels, networks, mounts) stays as it was.
 */
final class ServiceSpecs {
    static final String FUNCTION_LABEL = "function";
    static final String ANNOTATION_PREFIX = "com.openfaas.annotations.";
    static final String OPENFAAS_SECRETS = "/var/openfaas/secrets/";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final long SECOND = 1_000_000_000L;

    private ServiceSpecs() {}

    /** @param image what the service runs: the deploy's image, or that pinned by digest ({@link ImageResolver}) */
    static ObjectNode create(FunctionDeployment d, String image, String networkId, Map<String, String> secretIds,
                             int replicas) {
        ObjectNode spec = NODES.objectNode();
        spec.put("Name", d.service());
        ObjectNode task = spec.putObject("TaskTemplate");
        task.putObject("ContainerSpec");
        task.putArray("Networks").addObject().put("Target", networkId);
        task.putObject("RestartPolicy").put("Condition", "any").put("Delay", 5 * SECOND).put("MaxAttempts", 5);
        spec.putObject("Mode").putObject("Replicated").put("Replicas", replicas);
        spec.putObject("EndpointSpec").put("Mode", "dnsrr");
        apply(spec, d, image, secretIds, Map.of());
        return spec;
    }

    /** Turns the current spec of a function into its updated one; labels Docker's tools own are kept. */
    static ObjectNode update(JsonNode current, FunctionDeployment d, String image, Map<String, String> secretIds) {
        ObjectNode spec = current.deepCopy();
        Map<String, String> kept = new TreeMap<>();
        current.path("Labels").fields().forEachRemaining(e -> {
            if (e.getKey().startsWith("com.docker.")) {
                kept.put(e.getKey(), e.getValue().asText());
            }
        });
        apply(spec, d, image, secretIds, kept);
        ObjectNode task = (ObjectNode) spec.get("TaskTemplate");
        // A new value makes Swarm roll the tasks even when nothing else changed, so a rebuilt image with the same
        // tag is picked up (OpenFaaS's update always redeploys).
        task.put("ForceUpdate", task.path("ForceUpdate").asLong(0) + 1);
        return spec;
    }

    /** Sets the replica count of a replicated service's spec. */
    static ObjectNode withReplicas(JsonNode current, int replicas) {
        ObjectNode spec = current.deepCopy();
        ObjectNode mode = object(spec, "Mode");
        mode.remove("Global");
        object(mode, "Replicated").put("Replicas", replicas);
        return spec;
    }

    private static void apply(ObjectNode spec, FunctionDeployment d, String image, Map<String, String> secretIds,
                              Map<String, String> keptLabels) {
        ObjectNode labels = labels(d, keptLabels);
        spec.set("Labels", labels);
        ObjectNode task = object(spec, "TaskTemplate");
        ObjectNode container = object(task, "ContainerSpec");
        container.put("Image", image);
        container.set("Labels", labels.deepCopy());
        container.set("Env", env(d));
        container.put("Init", true);
        container.put("ReadOnly", d.readOnlyRootFilesystem());
        container.set("Mounts", mounts(container.path("Mounts"), d.readOnlyRootFilesystem()));
        container.set("Secrets", secrets(secretIds));
        task.set("Resources", resources(d));
        object(task, "Placement").set("Constraints", strings(d.constraints()));
        ObjectNode rolling = NODES.objectNode().put("Parallelism", 1).put("Order", "start-first")
                .put("FailureAction", "rollback").put("Monitor", 5 * SECOND);
        spec.set("UpdateConfig", rolling);
        spec.set("RollbackConfig", rolling.deepCopy().put("FailureAction", "pause"));
    }

    private static ObjectNode labels(FunctionDeployment d, Map<String, String> kept) {
        Map<String, String> all = new TreeMap<>(kept);
        all.putAll(d.labels());
        d.annotations().forEach((k, v) -> all.put(ANNOTATION_PREFIX + k, v));
        all.put(FUNCTION_LABEL, "true");
        all.put(SwarmState.NAME_LABEL, d.service());
        ObjectNode node = NODES.objectNode();
        all.forEach(node::put);
        return node;
    }

    private static ArrayNode env(FunctionDeployment d) {
        ArrayNode env = NODES.arrayNode();
        if (!d.envProcess().isEmpty()) {
            env.add("fprocess=" + d.envProcess());
        }
        new TreeMap<>(d.envVars()).forEach((k, v) -> {
            if (!k.equals("fprocess") || d.envProcess().isEmpty()) {
                env.add(k + "=" + v);
            }
        });
        return env;
    }

    /** The spec's other mounts stay; a tmpfs at /tmp is there exactly when the root is read-only. */
    private static ArrayNode mounts(JsonNode current, boolean readOnly) {
        ArrayNode mounts = NODES.arrayNode();
        for (JsonNode m : current) {
            if (!("tmpfs".equals(m.path("Type").asText()) && "/tmp".equals(m.path("Target").asText()))) {
                mounts.add(m);
            }
        }
        if (readOnly) {
            mounts.addObject().put("Type", "tmpfs").put("Target", "/tmp");
        }
        return mounts;
    }

    private static ArrayNode secrets(Map<String, String> secretIds) {
        ArrayNode secrets = NODES.arrayNode();
        new TreeMap<>(secretIds).forEach((name, id) -> {
            for (String target : new String[] {OPENFAAS_SECRETS + name, name}) {
                ObjectNode s = secrets.addObject();
                s.putObject("File").put("Name", target).put("UID", "0").put("GID", "0").put("Mode", 0444);
                s.put("SecretID", id).put("SecretName", name);
            }
        });
        return secrets;
    }

    private static ObjectNode resources(FunctionDeployment d) {
        ObjectNode r = NODES.objectNode();
        r.set("Limits", amounts(d.limits()));
        r.set("Reservations", amounts(d.requests()));
        return r;
    }

    private static ObjectNode amounts(Resources res) {
        ObjectNode node = NODES.objectNode();
        if (res != null && res.memory() != null && !res.memory().isBlank()) {
            node.put("MemoryBytes", Quantities.memoryBytes(res.memory()));
        }
        if (res != null && res.cpu() != null && !res.cpu().isBlank()) {
            node.put("NanoCPUs", Quantities.nanoCpus(res.cpu()));
        }
        return node;
    }

    private static ArrayNode strings(Iterable<String> values) {
        ArrayNode array = NODES.arrayNode();
        values.forEach(array::add);
        return array;
    }

    /** The object under {@code name}, created when absent (Jackson's own {@code with} is deprecated). */
    private static ObjectNode object(ObjectNode parent, String name) {
        JsonNode child = parent.get(name);
        return child instanceof ObjectNode o ? o : parent.putObject(name);
    }
}
