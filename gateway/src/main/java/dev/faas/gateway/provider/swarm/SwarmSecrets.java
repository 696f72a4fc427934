package dev.faas.gateway.provider.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.ManagementException.Reason;
import dev.faas.gateway.provider.SecretStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Swarm secrets owned by the platform: those labelled {@code com.openfaas.owner=faas} (every secret created through
 * the API is) or {@code com.openfaas.owner=openfaas} (made the OpenFaaS way, as its docs and scripts do). Others in the swarm (the gateway's own basic-auth ones, other applications') are invisible here and
 * cannot be mounted into functions. Swarm never gives a secret's value back, and neither does this class.
 */
public final class SwarmSecrets implements SecretStore {
    static final String OWNER_LABEL = "com.openfaas.owner";
    static final String OWNER = "faas";
    private static final java.util.Set<String> OWNERS = java.util.Set.of(OWNER, "openfaas");

    private final DockerRest docker;

    SwarmSecrets(DockerRest docker) {
        this.docker = docker;
    }

    @Override
    public List<String> names() throws ManagementException {
        List<String> names = new ArrayList<>();
        for (JsonNode s : owned()) {
            names.add(s.path("Spec").path("Name").asText());
        }
        names.sort(String::compareTo);
        return names;
    }

    /** The Swarm ids of the named secrets, in order; INVALID naming the first one the platform does not own. */
    Map<String, String> ids(List<String> names) throws ManagementException {
        Map<String, String> ids = new LinkedHashMap<>();
        if (names.isEmpty()) {
            return ids;
        }
        Map<String, String> byName = new LinkedHashMap<>();
        for (JsonNode s : owned()) {
            byName.put(s.path("Spec").path("Name").asText(), s.path("ID").asText());
        }
        for (String name : names) {
            String id = byName.get(name);
            if (id == null) {
                throw new ManagementException(Reason.INVALID, "secret " + name + " not found: create it first "
                        + "(POST /system/secrets, or docker secret create --label " + OWNER_LABEL + "=" + OWNER + " "
                        + name + " -)");
            }
            ids.put(name, id);
        }
        return ids;
    }

    @Override
    public void create(String name, byte[] value) throws ManagementException {
        ObjectNode spec = DockerRest.JSON.createObjectNode().put("Name", name);
        spec.putObject("Labels").put(OWNER_LABEL, OWNER);
        spec.put("Data", Base64.getEncoder().encodeToString(value));
        DockerRest.Reply reply = docker.post("/secrets/create", spec);
        if (reply.status() == 409) {
            throw new ManagementException(Reason.CONFLICT, "a secret named " + name + " exists already");
        }
        if (reply.status() == 400) {
            throw new ManagementException(Reason.INVALID, reply.message());
        }
        if (!reply.ok()) {
            throw DockerRest.failed("creating secret " + name, reply);
        }
    }

    @Override
    public void remove(String name) throws ManagementException {
        String id = null;
        for (JsonNode s : owned()) {
            if (s.path("Spec").path("Name").asText().equals(name)) {
                id = s.path("ID").asText();
            }
        }
        if (id == null) {
            throw new ManagementException(Reason.NOT_FOUND, "secret " + name + " not found");
        }
        DockerRest.Reply reply = docker.delete("/secrets/" + DockerRest.path(id));
        if (reply.status() == 404) {
            throw new ManagementException(Reason.NOT_FOUND, "secret " + name + " not found");
        }
        if (!reply.ok() && reply.message().contains("in use")) {
            throw new ManagementException(Reason.CONFLICT, "secret " + name + " is in use: " + reply.message()
                    + "; remove it from those functions first");
        }
        if (!reply.ok()) {
            throw DockerRest.failed("removing secret " + name, reply);
        }
    }

    private List<JsonNode> owned() throws ManagementException {
        DockerRest.Reply reply = docker.get("/secrets?" + DockerRest.filters(
                "{\"label\":[\"" + OWNER_LABEL + "\"]}"));
        if (!reply.ok()) {
            throw DockerRest.failed("listing secrets", reply);
        }
        List<JsonNode> owned = new ArrayList<>();
        reply.body().forEach(s -> {
            if (OWNERS.contains(s.path("Spec").path("Labels").path(OWNER_LABEL).asText())) {
                owned.add(s);
            }
        });
        return owned;
    }
}
