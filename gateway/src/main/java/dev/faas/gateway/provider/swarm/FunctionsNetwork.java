package dev.faas.gateway.provider.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.ManagementException.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the overlay network new functions join, by the {@code functions_network} setting, the way discovery reads
 * it: the network of exactly that name, else {@code <stack>_<name>} as {@code docker stack deploy} names it. With
 * several stacks on one swarm, the gateway's own stack (read from its container's labels) decides.
 * Looked up at each deploy (one cheap call), so a re-created network is simply found again.
 */
final class FunctionsNetwork {
    private final DockerRest docker;
    private final String configured;
    private final String ownContainer;

    /** @param ownContainer this gateway's container id (its hostname in a container), or "" outside one */
    FunctionsNetwork(DockerRest docker, String configured, String ownContainer) {
        this.docker = docker;
        this.configured = configured;
        this.ownContainer = ownContainer == null ? "" : ownContainer;
    }

    String id() throws ManagementException {
        DockerRest.Reply reply = docker.get("/networks?" + DockerRest.filters(
                "{\"name\":[\"" + configured.replace("\"", "") + "\"],\"driver\":[\"overlay\"]}"));
        if (!reply.ok()) {
            throw DockerRest.failed("listing networks", reply);
        }
        List<JsonNode> stacked = new ArrayList<>();
        for (JsonNode n : reply.body()) {
            String name = n.path("Name").asText();
            if (name.equals(configured)) {
                return n.path("Id").asText();
            }
            if (name.endsWith("_" + configured)) {
                stacked.add(n);
            }
        }
        String stack = ownStack();
        for (JsonNode n : stacked) {
            if (n.path("Name").asText().equals(stack + "_" + configured)) {
                return n.path("Id").asText();
            }
        }
        if (stacked.size() == 1) {
            return stacked.get(0).path("Id").asText();
        }
        if (stacked.isEmpty()) {
            throw new ManagementException(Reason.FAILED, "no overlay network named " + configured + " or <stack>_"
                    + configured + ": create it (docker network create -d overlay --attachable " + configured
                    + ") or set functions_network to the network the gateway is on");
        }
        List<String> names = stacked.stream().map(n -> n.path("Name").asText()).toList();
        throw new ManagementException(Reason.FAILED, "several networks match functions_network=" + configured + " "
                + names + ": set functions_network to the full name of the gateway's network");
    }

    private String ownStack() throws ManagementException {
        if (ownContainer.isEmpty()) {
            return "";
        }
        DockerRest.Reply reply = docker.get("/containers/" + DockerRest.path(ownContainer) + "/json");
        return reply.body().path("Config").path("Labels").path(SwarmState.STACK_LABEL).asText("");
    }
}
