package dev.faas.gateway.provider.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.gateway.provider.FunctionDeployment;
import dev.faas.gateway.provider.FunctionDeployment.Resources;
import dev.faas.gateway.provider.FunctionStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceSpecsTest {
    private static final FunctionDeployment FULL = new FunctionDeployment("echo", "faas/echoit:1", "cat",
            Map.of("B", "2", "A", "1"), Map.of("team", "x", "function", "false"), Map.of("topic", "t"),
            List.of("node.role == worker"), List.of("api-key"), new Resources("128m", "0.5"),
            new Resources("64m", null), true, "", "");

    private static ObjectNode created() {
        return ServiceSpecs.create(FULL, FULL.image(), "net-id", Map.of("api-key", "sec-id"), 2);
    }

    @Test
    void aNewServiceCarriesTheFunctionLabelsOnServiceAndContainer() {
        ObjectNode spec = created();
        assertEquals("echo", spec.path("Name").asText());
        for (JsonNode labels : List.of(spec.path("Labels"), spec.at("/TaskTemplate/ContainerSpec/Labels"))) {
            assertEquals("true", labels.path("function").asText(), "the platform's label wins over the user's");
            assertEquals("echo", labels.path("com.openfaas.function").asText());
            assertEquals("x", labels.path("team").asText());
            assertEquals("t", labels.path("com.openfaas.annotations.topic").asText());
        }
    }

    @Test
    void aNewServiceRunsTheImageWithFprocessThenEnvVarsOnTheFunctionsNetwork() {
        ObjectNode spec = created();
        JsonNode container = spec.at("/TaskTemplate/ContainerSpec");
        assertEquals("faas/echoit:1", container.path("Image").asText());
        assertEquals("[\"fprocess=cat\",\"A=1\",\"B=2\"]", container.path("Env").toString());
        assertTrue(container.path("Init").asBoolean());
        assertEquals("net-id", spec.at("/TaskTemplate/Networks/0/Target").asText());
        assertEquals("dnsrr", spec.at("/EndpointSpec/Mode").asText());
        assertEquals(2, spec.at("/Mode/Replicated/Replicas").asInt());
    }

    @Test
    void aNewServiceRestartsRollsStartFirstAndRollsBack() {
        ObjectNode spec = created();
        assertEquals("any", spec.at("/TaskTemplate/RestartPolicy/Condition").asText());
        assertEquals(5, spec.at("/TaskTemplate/RestartPolicy/MaxAttempts").asInt());
        assertEquals(5_000_000_000L, spec.at("/TaskTemplate/RestartPolicy/Delay").asLong());
        assertEquals(1, spec.at("/UpdateConfig/Parallelism").asInt());
        assertEquals("start-first", spec.at("/UpdateConfig/Order").asText());
        assertEquals("rollback", spec.at("/UpdateConfig/FailureAction").asText());
        assertEquals("start-first", spec.at("/RollbackConfig/Order").asText());
    }

    @Test
    void readOnlyRootGetsATmpfsAndSecretsResourcesConstraintsAreSet() {
        ObjectNode spec = created();
        JsonNode container = spec.at("/TaskTemplate/ContainerSpec");
        assertTrue(container.path("ReadOnly").asBoolean());
        assertEquals("[{\"Type\":\"tmpfs\",\"Target\":\"/tmp\"}]", container.path("Mounts").toString());
        assertEquals("sec-id", container.at("/Secrets/0/SecretID").asText());
        assertEquals("/var/openfaas/secrets/api-key", container.at("/Secrets/0/File/Name").asText(),
                "where OpenFaaS functions read their secrets");
        assertEquals("api-key", container.at("/Secrets/1/File/Name").asText(), "and Docker's own /run/secrets");
        assertEquals("sec-id", container.at("/Secrets/1/SecretID").asText());
        assertEquals(0444, container.at("/Secrets/0/File/Mode").asInt());
        assertEquals(128L << 20, spec.at("/TaskTemplate/Resources/Limits/MemoryBytes").asLong());
        assertEquals(500_000_000L, spec.at("/TaskTemplate/Resources/Limits/NanoCPUs").asLong());
        assertEquals(64L << 20, spec.at("/TaskTemplate/Resources/Reservations/MemoryBytes").asLong());
        assertEquals("node.role == worker", spec.at("/TaskTemplate/Placement/Constraints/0").asText());
    }

    @Test
    void anUpdateKeepsWhatItDoesNotOwnAndForcesARoll() throws Exception {
        ObjectNode current = created();
        current.with("Labels").put("com.docker.stack.namespace", "faas");
        ((ObjectNode) current.at("/TaskTemplate/ContainerSpec")).put("Hostname", "kept");
        ((ObjectNode) current.at("/TaskTemplate/ContainerSpec")).withArray("Mounts")
                .addObject().put("Type", "volume").put("Target", "/data");
        ((ObjectNode) current.at("/TaskTemplate")).put("LogDriver", "kept-too");
        FunctionDeployment next = new FunctionDeployment("echo", "faas/echoit:2", "", Map.of("A", "9"),
                Map.of(), Map.of(), List.of(), List.of(), null, null, false, "", "");
        ObjectNode updated = ServiceSpecs.update(current, next, next.image(), Map.of());
        assertEquals("faas/echoit:2", updated.at("/TaskTemplate/ContainerSpec/Image").asText());
        assertEquals("[\"A=9\"]", updated.at("/TaskTemplate/ContainerSpec/Env").toString());
        assertEquals("kept", updated.at("/TaskTemplate/ContainerSpec/Hostname").asText());
        assertEquals("kept-too", updated.at("/TaskTemplate/LogDriver").asText());
        assertEquals("[{\"Type\":\"volume\",\"Target\":\"/data\"}]",
                updated.at("/TaskTemplate/ContainerSpec/Mounts").toString(), "the tmpfs goes with read-only");
        assertEquals("faas", updated.path("Labels").path("com.docker.stack.namespace").asText());
        assertFalse(updated.path("Labels").has("team"), "user labels are replaced, not merged");
        assertEquals(2, updated.at("/Mode/Replicated/Replicas").asInt(), "replicas are kept");
        assertEquals(1, updated.at("/TaskTemplate/ForceUpdate").asInt());
        assertEquals(2, ServiceSpecs.update(updated, next, next.image(), Map.of()).at("/TaskTemplate/ForceUpdate").asInt());
        assertEquals("faas/echoit:1", current.at("/TaskTemplate/ContainerSpec/Image").asText(), "input untouched");
    }

    @Test
    void theServiceRunsTheResolvedImage() {
        String pinned = "127.0.0.1:5000/faas/echoit:1@sha256:" + "a".repeat(64);
        ObjectNode spec = ServiceSpecs.create(FULL, pinned, "net-id", Map.of(), 1);
        assertEquals(pinned, spec.at("/TaskTemplate/ContainerSpec/Image").asText());
        ObjectNode updated = ServiceSpecs.update(spec, FULL, "faas/echoit:1", Map.of());
        assertEquals("faas/echoit:1", updated.at("/TaskTemplate/ContainerSpec/Image").asText(),
                "an update to a local image drops the earlier pin");
    }

    @Test
    void scalingChangesOnlyTheReplicas() {
        ObjectNode current = created();
        ObjectNode scaled = ServiceSpecs.withReplicas(current, 5);
        assertEquals(5, scaled.at("/Mode/Replicated/Replicas").asInt());
        ((ObjectNode) scaled.at("/Mode/Replicated")).put("Replicas", 2);
        assertEquals(current, scaled);
    }

    @Test
    void theStatusReadsBackWhatWasDeployed() throws Exception {
        ObjectNode service = DockerRest.JSON.createObjectNode();
        service.set("Spec", created());
        service.put("CreatedAt", "2024-01-31T12:00:00.1Z");
        service.putObject("ServiceStatus").put("RunningTasks", 1).put("DesiredTasks", 2);
        ((ObjectNode) service.at("/Spec/TaskTemplate/ContainerSpec")).put("Image", "faas/echoit:1@sha256:abc");
        FunctionStatus s = FunctionStatuses.of(service);
        assertEquals("echo", s.name());
        assertEquals("faas/echoit:1", s.image(), "the digest Docker pinned is not part of the name");
        assertEquals("cat", s.envProcess());
        assertEquals(Map.of("A", "1", "B", "2"), s.envVars());
        assertEquals("x", s.labels().get("team"));
        assertEquals(Map.of("topic", "t"), s.annotations());
        assertEquals(List.of("api-key"), s.secrets());
        assertEquals(List.of("node.role == worker"), s.constraints());
        assertTrue(s.readOnlyRootFilesystem());
        assertEquals(2, s.replicas());
        assertEquals(1, s.availableReplicas());
        assertEquals("2024-01-31T12:00:00.1Z", s.createdAt());
        assertEquals(new Resources("128Mi", "0.5"), s.limits());
        assertEquals(new Resources("64Mi", null), s.requests());
    }

    @Test
    void aStatusLeavesOutWhatHasNothingToSayAsOpenFaasClientsExpect() throws Exception {
        ObjectNode service = DockerRest.JSON.createObjectNode();
        ObjectNode spec = service.putObject("Spec").put("Name", "bare");
        spec.putObject("TaskTemplate").putObject("ContainerSpec").put("Image", "faas/catservice");
        JsonNode json = DockerRest.JSON.valueToTree(FunctionStatuses.of(service));
        assertFalse(json.has("envVars"), json.toString());
        assertFalse(json.has("envProcess"), json.toString());
        assertFalse(json.has("limits"), json.toString());
        assertFalse(json.has("requests"), json.toString());
        assertTrue(json.has("labels") && json.has("replicas"), json.toString());
        JsonNode full = DockerRest.JSON.valueToTree(FunctionStatuses.of(DockerRest.JSON.createObjectNode()
                .set("Spec", created())));
        assertEquals("cat", full.path("envProcess").asText());
        assertEquals("{\"memory\":\"128Mi\",\"cpu\":\"0.5\"}", full.path("limits").toString());
        assertEquals("{\"memory\":\"64Mi\"}", full.path("requests").toString());
    }

    @Test
    void aStackDeployedServiceIsCalledByItsShortAndFullName() {
        ObjectNode service = DockerRest.JSON.createObjectNode();
        ObjectNode spec = service.putObject("Spec").put("Name", "faas_catservice");
        spec.putObject("Labels").put("function", "true").put("com.docker.stack.namespace", "faas");
        assertEquals("catservice", FunctionStatuses.name(service));
        assertTrue(FunctionStatuses.isCalled(service, "catservice"));
        assertTrue(FunctionStatuses.isCalled(service, "faas_catservice"));
        assertFalse(FunctionStatuses.isCalled(service, "faas"));
    }
}
