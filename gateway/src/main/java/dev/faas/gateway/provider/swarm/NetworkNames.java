package dev.faas.gateway.provider.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The names Docker's DNS answers on the functions network, and who answers to each. A new function's service name
 * joins that DNS: were it a name another service already answers to ({@code gateway}, {@code prometheus}, a stack's
 * alias), lookups would return both, and calls meant for the platform (AlertManager's webhook with the admin's
 * credentials, Prometheus's scrapes) would reach the function part of the time. So a function may only take a name
 * nobody answers to. Pure, so every rule is unit-tested.
 * <p>
 * Docker resolves, on a network: each attached service's name and its aliases there ({@code docker stack deploy}
 * adds the short service name), {@code tasks.<name>} for those, and each attached container's name. Names are
 * compared without case, as DNS does.
 */
final class NetworkNames {
    private static final String TASKS_PREFIX = "tasks.";

    /** Who answers to a name: a description for the caller, and the service's or container's id. */
    private record Owner(String description, String id) {}

    private final Map<String, Owner> owners = new TreeMap<>();

    private NetworkNames() {}

    /**
     * @param services   every service of the swarm ({@code GET /services})
     * @param containers the network's containers as {@code GET /networks/<id>} lists them (id → {Name, ...})
     */
    static NetworkNames on(FunctionsNetwork.Resolved network, JsonNode services, JsonNode containers) {
        NetworkNames names = new NetworkNames();
        for (JsonNode service : services) {
            String serviceName = service.path("Spec").path("Name").asText();
            for (JsonNode attachment : service.path("Spec").path("TaskTemplate").path("Networks")) {
                String target = attachment.path("Target").asText();
                if (!target.equals(network.id()) && !target.equals(network.name())) {
                    continue;
                }
                String id = service.path("ID").asText();
                names.add(serviceName, "service " + serviceName, id);
                for (JsonNode alias : attachment.path("Aliases")) {
                    names.add(alias.asText(), "service " + serviceName, id);
                }
            }
        }
        containers.fields().forEachRemaining(c -> {
            String name = c.getValue().path("Name").asText();
            names.add(name, "container " + name, c.getKey());
        });
        return names;
    }

    private void add(String name, String owner, String id) {
        if (!name.isEmpty()) {
            owners.putIfAbsent(name.toLowerCase(Locale.ROOT), new Owner(owner, id));
        }
    }

    /**
     * Who already answers to {@code name} on the network, other than the service {@code ownId} (a function being
     * updated answers to its own name), or null when nobody does. {@code tasks.<x>} is Docker's own name for the
     * tasks of x, so it is never free.
     */
    String takenBy(String name, String ownId) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith(TASKS_PREFIX)) {
            return "Docker's DNS (tasks.<service> lists a service's tasks)";
        }
        Owner owner = owners.get(lower);
        return owner == null || owner.id().equals(ownId) ? null : owner.description();
    }
}
