package dev.faas.gateway.provider.swarm;

import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.ManagementException.Reason;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds the overlay network this gateway serves, by the {@code functions_network} setting: the network of exactly
 * that name, else {@code <stack>_<name>} as {@code docker stack deploy} names it. With several stacks on one swarm,
 * the gateway's own stack (read from its container's labels) decides. Discovery and deploys use the same answer, so
 * a gateway routes to, and manages, only the functions on its own network: two stacks with functions of the same
 * names do not see each other's. Looked up at each resync and deploy (one cheap call), so a re-created network is
 * simply found again.
 */
final class FunctionsNetwork {
    /** The network's id (what a service spec's TaskTemplate.Networks[].Target holds) and its name. */
    record Resolved(String id, String name) {}

    private final DockerRest docker;
    private final String configured;
    private final String ownContainer;
    private volatile String ownStack;

    /** @param ownContainer this gateway's container id (its hostname in a container), or "" outside one */
    FunctionsNetwork(DockerRest docker, String configured, String ownContainer) {
        this.docker = docker;
        this.configured = configured;
        this.ownContainer = ownContainer == null ? "" : ownContainer;
    }

    String id() throws ManagementException {
        return resolve().id();
    }

    Resolved resolve() throws ManagementException {
        DockerRest.Reply reply = docker.get("/networks?" + DockerRest.filters(
                "{\"name\":[\"" + configured.replace("\"", "") + "\"],\"driver\":[\"overlay\"]}"));
        if (!reply.ok()) {
            // Docker in trouble is not a missing network: the caller keeps routing from what it knows.
            throw new ManagementException(Reason.UNAVAILABLE, "listing networks: " + reply.message());
        }
        Map<String, String> idsByName = new TreeMap<>();
        reply.body().forEach(n -> idsByName.put(n.path("Name").asText(), n.path("Id").asText()));
        boolean exact = idsByName.containsKey(configured);
        String name = pick(idsByName.keySet(), configured, exact ? "" : ownStack());
        return new Resolved(idsByName.get(name), name);
    }

    /**
     * The network's name among overlay networks whose names contain {@code configured}: that very name, else
     * {@code <ownStack>_<configured>}, else the one {@code <stack>_<configured>} there is.
     */
    static String pick(Collection<String> names, String configured, String ownStack) throws ManagementException {
        if (names.contains(configured)) {
            return configured;
        }
        if (!ownStack.isEmpty() && names.contains(ownStack + "_" + configured)) {
            return ownStack + "_" + configured;
        }
        List<String> stacked = names.stream().filter(n -> n.endsWith("_" + configured)).sorted().toList();
        if (stacked.size() == 1) {
            return stacked.get(0);
        }
        if (stacked.isEmpty()) {
            throw new ManagementException(Reason.FAILED, "no overlay network named " + configured + " or <stack>_"
                    + configured + ": create it (docker network create -d overlay --attachable " + configured
                    + ") or set functions_network to the network the gateway is on");
        }
        throw new ManagementException(Reason.FAILED, "several networks match functions_network=" + configured + " "
                + stacked + ": set functions_network to the full name of the gateway's network");
    }

    /** The gateway's container keeps its labels for life: read once. */
    private String ownStack() throws ManagementException {
        if (ownContainer.isEmpty()) {
            return "";
        }
        String known = ownStack;
        if (known == null) {
            DockerRest.Reply reply = docker.get("/containers/" + DockerRest.path(ownContainer) + "/json");
            if (!reply.ok()) {
                return ""; // not in a container Docker knows (e.g. run from a shell): no stack of its own
            }
            known = reply.body().path("Config").path("Labels").path(SwarmState.STACK_LABEL).asText("");
            ownStack = known;
        }
        return known;
    }
}
