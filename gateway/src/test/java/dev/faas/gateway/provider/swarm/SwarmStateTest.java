package dev.faas.gateway.provider.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.gateway.provider.Function;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SwarmStateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FunctionsNetwork.Resolved NET = new FunctionsNetwork.Resolved("n1", "faas_functions");
    private final SwarmState state = new SwarmState(8080);

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s.replace('\'', '"'));
    }

    private static String service(String id, String name, String labels, int replicas) {
        return service(id, name, labels, replicas, NET.id());
    }

    private static String service(String id, String name, String labels, int replicas, String networkId) {
        return "{'ID':'" + id + "','Spec':{'Name':'" + name + "','Labels':{" + labels + "},"
                + "'TaskTemplate':{'Networks':[{'Target':'" + networkId + "'}]},"
                + "'Mode':{'Replicated':{'Replicas':" + replicas + "}}}}";
    }

    private static String task(String id, String service, String state, String networkId, String ip, String container) {
        return "{'ID':'" + id + "','ServiceID':'" + service + "','DesiredState':'running',"
                + "'Status':{'State':'" + state + "','ContainerStatus':{'ContainerID':'" + container + "'}},"
                + "'NetworksAttachments':[{'Network':{'ID':'ingress-id','Spec':{'Name':'ingress'}},'Addresses':['10.0.0.9/24']},"
                + "{'Network':{'ID':'" + networkId + "'},'Addresses':['" + ip + "/24']}]}";
    }

    @Test
    void stackServicesAreNamedWithoutTheirStackPrefixAndTheLabelWins() throws Exception {
        JsonNode services = json("[" + service("s1", "faas_catservice", "'function':'true','com.docker.stack.namespace':'faas'", 1)
                + "," + service("s2", "other", "'function':'true','com.openfaas.function':'nice'", 1)
                + "," + service("s3", "plain", "'function':'true'", 1)
                + "," + service("s4", "notafunction", "'com.docker.stack.namespace':'faas'", 1) + "]");
        List<Function> fs = state.functions(services, json("[]"), Set.of(), NET);
        assertEquals(List.of("catservice", "nice", "plain"), fs.stream().map(Function::name).toList());
        assertEquals("faas_catservice", fs.get(0).serviceName());
    }

    @Test
    void anotherStacksFunctionOfTheSameNameIsNotOurs() throws Exception {
        JsonNode services = json("[" + service("s1", "faas_catservice", "'function':'true','com.docker.stack.namespace':'faas'", 1)
                + "," + service("s2", "other_catservice", "'function':'true','com.docker.stack.namespace':'other'", 1, "n2")
                + "]");
        JsonNode tasks = json("[" + task("t1", "s1", "running", "n1", "10.231.1.5", "c1")
                + "," + task("t2", "s2", "running", "n2", "10.231.2.5", "c2") + "]");
        List<Function> fs = state.functions(services, tasks, Set.of(), NET);
        assertEquals(List.of("faas_catservice"), fs.stream().map(Function::serviceName).toList());
        assertEquals(List.of(URI.create("http://10.231.1.5:8080/")), fs.get(0).replicas().stream().map(r -> r.address()).toList());
    }

    @Test
    void onlyRunningTasksOnTheFunctionsNetworkAreReplicas() throws Exception {
        JsonNode services = json("[" + service("s1", "cat", "'function':'true'", 3) + "]");
        JsonNode tasks = json("[" + task("t1", "s1", "running", "n1", "10.231.1.5", "c1")
                + "," + task("t2", "s1", "starting", "n1", "10.231.1.6", "c2")
                + "," + task("t3", "s1", "running", "n1", "10.231.1.7", "c3")
                + "," + task("t4", "s1", "running", "elsewhere", "10.231.9.8", "c4") + "]");
        Function f = state.functions(services, tasks, Set.of(), NET).get(0);
        assertEquals(3, f.desiredReplicas());
        assertEquals(List.of(URI.create("http://10.231.1.5:8080/"), URI.create("http://10.231.1.7:8080/")),
                f.replicas().stream().map(r -> r.address()).toList());
        assertTrue(SwarmState.isConverging(tasks));
    }

    @Test
    void aContainerSeenDyingIsNoLongerAReplica() throws Exception {
        JsonNode services = json("[" + service("s1", "cat", "'function':'true'", 2) + "]");
        JsonNode tasks = json("[" + task("t1", "s1", "running", "n1", "10.231.1.5", "c1")
                + "," + task("t2", "s1", "running", "n1", "10.231.1.6", "c2") + "]");
        Function f = state.functions(services, tasks, Set.of("c1"), NET).get(0);
        assertEquals(List.of("t2"), f.replicas().stream().map(r -> r.id()).toList());
        assertFalse(SwarmState.isConverging(tasks));
    }

    private static String taskOn(String id, String service, String state, String node, String ip) {
        return task(id, service, state, NET.id(), ip, "c-" + id).replace("'DesiredState'", "'NodeID':'" + node
                + "','DesiredState'");
    }

    @Test
    void onlyRunningFunctionTasksOnOtherNodesAreWatchedForReachability() throws Exception {
        JsonNode tasks = json("[" + taskOn("t1", "s1", "running", "manager", "10.231.1.5")
                + "," + taskOn("t2", "s1", "running", "worker", "10.231.1.6")
                + "," + taskOn("t3", "s1", "starting", "worker", "10.231.1.7")
                + "," + taskOn("t4", "gateway", "running", "worker", "10.231.1.8") + "]");
        assertEquals(java.util.Map.of("t2", new dev.faas.gateway.replica.ReplicaReachability.Target(
                URI.create("http://10.231.1.6:8080/"), "worker")),
                state.elsewhere(tasks, "manager", Set.of("s1"), NET));
    }

    @Test
    void tasksOfLostNodesAndUnreachableTasksAreLeftOut() throws Exception {
        JsonNode tasks = json("[" + taskOn("t1", "s1", "running", "n1", "10.231.1.5")
                + "," + taskOn("t2", "s1", "running", "n2", "10.231.1.6")
                + "," + taskOn("t3", "s1", "running", "n3", "10.231.1.7") + "]");
        JsonNode nodes = json("[{'ID':'n1','Status':{'State':'ready'}},{'ID':'n2','Status':{'State':'down'}},"
                + "{'ID':'n3','Status':{'State':'ready'}},{'ID':'n4','Status':{'State':'unknown'}},"
                + "{'ID':'n5','Status':{'State':'disconnected'}},{'ID':'own','Status':{'State':'down'}}]");
        Set<String> lost = SwarmState.lostNodes(nodes, "own");
        assertEquals(Set.of("n2", "n5"), lost, "not unknown (a new leader's view for a while), never the own node");
        JsonNode kept = SwarmState.without(tasks, Set.of("t3"), lost);
        assertEquals(1, kept.size());
        assertEquals("t1", kept.get(0).path("ID").asText());
        assertTrue(SwarmState.without(tasks, Set.of(), Set.of()) == tasks, "nothing to leave out: no copy");
    }
}
