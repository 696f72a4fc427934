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
 *   <li>A function is a service labelled {@code function=true} attached to the functions network this gateway
 *   serves ({@link FunctionsNetwork}); another stack's functions live on another network and are not ours. Its name
 *   is the {@code com.openfaas.function} label, else the service name without the {@code com.docker.stack.namespace}
 *   prefix and {@code _}.</li>
 *   <li>A replica is ready when its task is actually {@code running} (Swarm holds a task with a HEALTHCHECK in
 *   {@code starting} until it passes) and its container has not been seen dying.</li>
 *   <li>Its address is the task's address on that network.</li>
 * </ul>
 */
final class SwarmState {
    static final String STACK_LABEL = "com.docker.stack.namespace";
    static final String NAME_LABEL = "com.openfaas.function";

    private final int port;

    SwarmState(int port) {
        this.port = port;
    }

    /** The functions on {@code network} among {@code services}, with replicas from {@code tasks} (any service's). */
    List<Function> functions(JsonNode services, JsonNode tasks, Set<String> deadContainers,
                             FunctionsNetwork.Resolved network) {
        Map<String, List<Replica>> replicas = new HashMap<>();
        for (JsonNode task : tasks) {
            Replica r = readyReplica(task, deadContainers, network);
            if (r != null) {
                replicas.computeIfAbsent(task.path("ServiceID").asText(), k -> new ArrayList<>()).add(r);
            }
        }
        List<Function> result = new ArrayList<>();
        for (JsonNode service : services) {
            JsonNode labels = service.path("Spec").path("Labels");
            if (!"true".equals(labels.path("function").asText()) || !isAttached(service, network)) {
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

    static boolean isAttached(JsonNode service, FunctionsNetwork.Resolved network) {
        for (JsonNode attachment : service.path("Spec").path("TaskTemplate").path("Networks")) {
            String target = attachment.path("Target").asText();
            if (target.equals(network.id()) || target.equals(network.name())) {
                return true;
            }
        }
        return false;
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

    private Replica readyReplica(JsonNode task, Set<String> deadContainers, FunctionsNetwork.Resolved network) {
        if (!"running".equals(task.path("Status").path("State").asText())
                || !"running".equals(task.path("DesiredState").asText("running"))) {
            return null;
        }
        String container = task.path("Status").path("ContainerStatus").path("ContainerID").asText("");
        if (!container.isEmpty() && deadContainers.contains(container)) {
            return null;
        }
        for (JsonNode attachment : task.path("NetworksAttachments")) {
            if (network.id().equals(attachment.path("Network").path("ID").asText())) {
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
}
