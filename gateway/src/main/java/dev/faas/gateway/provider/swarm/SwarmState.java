package dev.faas.gateway.provider.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.gateway.provider.Function;
import dev.faas.gateway.provider.Replica;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the Docker API's /services and /tasks JSON into functions and their ready replicas. Pure: no I/O, so the
 * rules are unit-tested.
 * <ul>
 *   <li>A function is a service labelled {@code function=true}. Its name is the {@code com.openfaas.function} label,
 *   else the service name without the {@code com.docker.stack.namespace} prefix and {@code _}.</li>
 *   <li>A replica is ready when its task is actually {@code running} (Swarm holds a task with a HEALTHCHECK in
 *   {@code starting} until it passes) and its container has not been seen dying.</li>
 *   <li>Its address is on the functions network: the network named {@code functions_network}, or
 *   {@code <stack>_<functions_network>} as {@code docker stack deploy} names it.</li>
 * </ul>
 */
final class SwarmState {
    static final String STACK_LABEL = "com.docker.stack.namespace";
    static final String NAME_LABEL = "com.openfaas.function";

    private final String network;
    private final int port;

    SwarmState(String network, int port) {
        this.network = network;
        this.port = port;
    }

    /** The functions among {@code services}, with replicas from {@code tasks} (any service's). */
    List<Function> functions(JsonNode services, JsonNode tasks, Set<String> deadContainers) {
        Map<String, List<Replica>> replicas = new HashMap<>();
        for (JsonNode task : tasks) {
            Replica r = readyReplica(task, deadContainers);
            if (r != null) {
                replicas.computeIfAbsent(task.path("ServiceID").asText(), k -> new ArrayList<>()).add(r);
            }
        }
        List<Function> result = new ArrayList<>();
        for (JsonNode service : services) {
            JsonNode labels = service.path("Spec").path("Labels");
            if (!"true".equals(labels.path("function").asText())) {
                continue;
            }
            String id = service.path("ID").asText();
            String serviceName = service.path("Spec").path("Name").asText();
            List<Replica> ready = replicas.getOrDefault(id, List.of());
            JsonNode replicated = service.path("Spec").path("Mode").path("Replicated");
            int desired = replicated.isMissingNode() ? ready.size() : replicated.path("Replicas").asInt(0);
            result.add(new Function(id, functionName(serviceName, labels), serviceName, desired, ready));
        }
        return result;
    }

    static String functionName(String serviceName, JsonNode labels) {
        String label = labels.path(NAME_LABEL).asText("");
        if (!label.isEmpty()) {
            return label;
        }
        String stack = labels.path(STACK_LABEL).asText("");
        if (!stack.isEmpty() && serviceName.startsWith(stack + "_")) {
            return serviceName.substring(stack.length() + 1);
        }
        return serviceName;
    }

    /** True while a task the orchestrator wants running is not running yet: worth looking again soon. */
    static boolean isConverging(JsonNode tasks) {
        for (JsonNode task : tasks) {
            String state = task.path("Status").path("State").asText();
            if ("running".equals(task.path("DesiredState").asText()) && isOnItsWay(state)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isOnItsWay(String state) {
        return switch (state) {
            case "new", "pending", "assigned", "accepted", "preparing", "ready", "starting" -> true;
            default -> false;
        };
    }

    private Replica readyReplica(JsonNode task, Set<String> deadContainers) {
        if (!"running".equals(task.path("Status").path("State").asText())
                || !"running".equals(task.path("DesiredState").asText("running"))) {
            return null;
        }
        String container = task.path("Status").path("ContainerStatus").path("ContainerID").asText("");
        if (!container.isEmpty() && deadContainers.contains(container)) {
            return null;
        }
        for (JsonNode attachment : task.path("NetworksAttachments")) {
            if (isFunctionsNetwork(attachment.path("Network").path("Spec").path("Name").asText())) {
                for (JsonNode address : attachment.path("Addresses")) {
                    String ip = address.asText();
                    int slash = ip.indexOf('/');
                    ip = slash < 0 ? ip : ip.substring(0, slash);
                    if (!ip.isEmpty()) {
                        String host = ip.contains(":") ? "[" + ip + "]" : ip;
                        return new Replica(task.path("ID").asText(), container, URI.create("http://" + host + ":" + port + "/"));
                    }
                }
            }
        }
        return null;
    }

    boolean isFunctionsNetwork(String name) {
        return name.equals(network) || name.endsWith("_" + network);
    }
}
