package dev.faas.gateway.provider.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.faas.gateway.provider.Function;
import dev.faas.gateway.provider.Replica;
import dev.faas.gateway.provider.StartFailure;
import dev.faas.gateway.replica.ReplicaReachability;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
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
 *   {@code starting} until it passes), or still {@code starting} but its watchdog has answered the gateway's own
 *   health probe ({@link TaskStarts}), and its container has not been seen dying.</li>
 *   <li>A function's last failure is its newest task that Swarm marked {@code failed} or {@code rejected}.</li>
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

    /** A starting task the gateway may probe: its id, its service's id and its watchdog's address. */
    record Starting(String taskId, String serviceId, URI address, boolean containerUp) {}

    List<Function> functions(JsonNode services, JsonNode tasks, Set<String> deadContainers,
                             FunctionsNetwork.Resolved network) {
        return functions(services, tasks, deadContainers, network, TaskStarts.NONE, Map.of());
    }

    /**
     * The functions on {@code network} among {@code services}, with replicas from {@code tasks} (any service's),
     * each with its last failure from {@code failures} (by service id).
     */
    List<Function> functions(JsonNode services, JsonNode tasks, Set<String> deadContainers,
                             FunctionsNetwork.Resolved network, TaskStarts starts,
                             Map<String, StartFailure> failures) {
        Map<String, List<Replica>> replicas = new HashMap<>();
        for (JsonNode task : tasks) {
            Replica r = readyReplica(task, deadContainers, network, starts);
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
            result.add(new Function(id, functionName(serviceName, labels), serviceName, desired, ready,
                    textLabels(labels), failures.get(id)));
        }
        return result;
    }

    /**
     * Tasks of the functions {@code functionIds} on their way to running whose watchdog has not answered the gateway yet, with their addresses (Swarm
     * gives one before the container exists). {@code containerUp}: Swarm reports {@code starting} (the container
     * runs, its health check has not passed).
     */
    List<Starting> unanswered(JsonNode tasks, Set<String> functionIds, Set<String> deadContainers,
                              FunctionsNetwork.Resolved network, TaskStarts starts) {
        List<Starting> result = new ArrayList<>();
        for (JsonNode task : tasks) {
            String id = task.path("ID").asText();
            if (!functionIds.contains(task.path("ServiceID").asText())) {
                continue; // the gateway's own task, Prometheus: not functions, no watchdog
            }
            String state = task.path("Status").path("State").asText();
            if (isOnItsWay(state) && "running".equals(task.path("DesiredState").asText("running"))
                    && !starts.hasAnswered(id) && !deadContainers.contains(containerOf(task))) {
                URI address = address(task, network);
                if (address != null) {
                    result.add(new Starting(id, task.path("ServiceID").asText(), address, "starting".equals(state)));
                }
            }
        }
        return result;
    }

    /**
     * The watchdog addresses of the functions' running tasks on a node other than {@code ownNode}: the ones whose
     * containers send this node no events, and whose loss only a connection can reveal quickly. Starting tasks are
     * left to {@link StartingReplicas}: they refuse connections until their watchdog listens.
     */
    Map<String, ReplicaReachability.Target> elsewhere(JsonNode tasks, String ownNode, Set<String> functionIds,
                                                      FunctionsNetwork.Resolved network) {
        Map<String, ReplicaReachability.Target> result = new HashMap<>();
        for (JsonNode task : tasks) {
            String state = task.path("Status").path("State").asText();
            if (functionIds.contains(task.path("ServiceID").asText())
                    && "running".equals(state)
                    && !task.path("NodeID").asText().equals(ownNode)) {
                URI address = address(task, network);
                if (address != null) {
                    result.put(task.path("ID").asText(),
                            new ReplicaReachability.Target(address, task.path("NodeID").asText()));
                }
            }
        }
        return result;
    }

    /** {@code tasks} without those in {@code taskIds} and those on {@code nodeIds}. */
    static JsonNode without(JsonNode tasks, Set<String> taskIds, Set<String> nodeIds) {
        if (taskIds.isEmpty() && nodeIds.isEmpty()) {
            return tasks;
        }
        ArrayNode kept = JsonNodeFactory.instance.arrayNode();
        for (JsonNode task : tasks) {
            if (!taskIds.contains(task.path("ID").asText()) && !nodeIds.contains(task.path("NodeID").asText())) {
                kept.add(task);
            }
        }
        return kept;
    }

    /**
     * The nodes whose tasks cannot be running whatever the tasks say: Swarm has marked them down or disconnected.
     * Not "unknown": a manager that just became leader calls every node that until its agent registers again, while
     * their containers serve on. Never {@code ownNode}: if the gateway runs, so does its node.
     */
    static Set<String> lostNodes(JsonNode nodes, String ownNode) {
        Set<String> lost = new HashSet<>();
        for (JsonNode node : nodes) {
            String state = node.path("Status").path("State").asText("ready");
            String id = node.path("ID").asText();
            if (("down".equals(state) || "disconnected".equals(state)) && !id.equals(ownNode)) {
                lost.add(id);
            }
        }
        return lost;
    }

    /** The newest task of {@code tasks} that failed or was rejected, or null. */
    static StartFailure lastFailure(JsonNode tasks) {
        StartFailure newest = null;
        for (JsonNode task : tasks) {
            JsonNode status = task.path("Status");
            String state = status.path("State").asText();
            if (!"failed".equals(state) && !"rejected".equals(state)) {
                continue;
            }
            Instant at = instant(status.path("Timestamp").asText(""));
            if (at == null || newest != null && !at.isAfter(newest.at())) {
                continue;
            }
            String reason = status.path("Err").asText("");
            newest = new StartFailure(reason.isEmpty() ? status.path("Message").asText(state) : reason, at);
        }
        return newest;
    }

    static Instant instant(String text) {
        try {
            return text.isEmpty() ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Map<String, String> textLabels(JsonNode labels) {
        Map<String, String> result = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            result.put(e.getKey(), e.getValue().asText());
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

    private Replica readyReplica(JsonNode task, Set<String> deadContainers, FunctionsNetwork.Resolved network,
                                 TaskStarts starts) {
        String id = task.path("ID").asText();
        String state = task.path("Status").path("State").asText();
        boolean running = "running".equals(state);
        if (!running && !("starting".equals(state) && starts.hasAnswered(id))
                || !"running".equals(task.path("DesiredState").asText("running"))) {
            return null;
        }
        String container = containerOf(task);
        if (!container.isEmpty() && deadContainers.contains(container)) {
            return null;
        }
        URI address = address(task, network);
        if (address == null) {
            return null;
        }
        Instant readyAt = running ? instant(task.path("Status").path("Timestamp").asText("")) : null;
        return new Replica(id, container, address, starts.startup(id, readyAt));
    }

    private static String containerOf(JsonNode task) {
        return task.path("Status").path("ContainerStatus").path("ContainerID").asText("");
    }

    private URI address(JsonNode task, FunctionsNetwork.Resolved network) {
        for (JsonNode attachment : task.path("NetworksAttachments")) {
            if (network.id().equals(attachment.path("Network").path("ID").asText())) {
                for (JsonNode address : attachment.path("Addresses")) {
                    String ip = address.asText();
                    int slash = ip.indexOf('/');
                    ip = slash < 0 ? ip : ip.substring(0, slash);
                    if (!ip.isEmpty()) {
                        String host = ip.contains(":") ? "[" + ip + "]" : ip;
                        return URI.create("http://" + host + ":" + port + "/");
                    }
                }
            }
        }
        return null;
    }
}
