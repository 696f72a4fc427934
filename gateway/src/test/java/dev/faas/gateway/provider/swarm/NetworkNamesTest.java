package dev.faas.gateway.provider.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class NetworkNamesTest {
    private static final FunctionsNetwork.Resolved NET = new FunctionsNetwork.Resolved("net1", "faas_functions");

    private static ObjectNode service(ArrayNode all, String id, String name, String network, String... aliases) {
        ObjectNode s = all.addObject().put("ID", id);
        ObjectNode attachment = s.putObject("Spec").put("Name", name).putObject("TaskTemplate").putArray("Networks")
                .addObject().put("Target", network);
        ArrayNode a = attachment.putArray("Aliases");
        for (String alias : aliases) {
            a.add(alias);
        }
        return s;
    }

    private static NetworkNames names() {
        ArrayNode services = DockerRest.JSON.createArrayNode();
        service(services, "gw", "faas_gateway", "net1", "gateway");
        service(services, "prom", "faas_prometheus", "faas_functions", "prometheus");
        service(services, "fn", "catservice", "net1");
        service(services, "other", "elsewhere", "net2", "private");
        ObjectNode containers = DockerRest.JSON.createObjectNode();
        containers.putObject("c1").put("Name", "debug-shell");
        return NetworkNames.on(NET, services, containers);
    }

    @Test
    void aPlatformServicesStackAliasIsTakenWhateverTheCase() {
        assertEquals("service faas_gateway", names().takenBy("gateway", ""));
        assertEquals("service faas_gateway", names().takenBy("Gateway", ""));
        assertEquals("service faas_prometheus", names().takenBy("prometheus", ""), "network named, not by id");
        assertEquals("service faas_gateway", names().takenBy("faas_gateway", ""));
    }

    @Test
    void tasksNamesAndAttachedContainersAreTakenToo() {
        assertNotNull(names().takenBy("tasks.gateway", ""));
        assertNotNull(names().takenBy("tasks.anything", ""));
        assertEquals("container debug-shell", names().takenBy("debug-shell", ""));
    }

    @Test
    void aFunctionKeepsItsOwnNameAndOtherNetworksDoNotCount() {
        assertNull(names().takenBy("catservice", "fn"), "an update of the function itself");
        assertEquals("service catservice", names().takenBy("catservice", "someone-else"));
        assertNull(names().takenBy("private", ""), "only answered on another network");
        assertNull(names().takenBy("wordcount", ""));
    }

    @Test
    void aServiceWithoutNetworksOrAContainerWithoutANameAddsNothing() {
        JsonNode services = DockerRest.JSON.createArrayNode().add(DockerRest.JSON.createObjectNode().put("ID", "x"));
        ObjectNode containers = DockerRest.JSON.createObjectNode();
        containers.putObject("c2");
        assertNull(NetworkNames.on(NET, services, containers).takenBy("x", ""));
    }
}
