package dev.faas.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.gateway.provider.FunctionDeployment;
import dev.faas.gateway.provider.FunctionDeployment.Resources;
import dev.faas.gateway.provider.ManagementException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeploymentRequestsTest {
    private static FunctionDeployment d(String service, String image) {
        return new FunctionDeployment(service, image, null, null, null, null, null, null, null, null, false, null, null);
    }

    private static String refusal(FunctionDeployment d) {
        ManagementException e = assertThrows(ManagementException.class, () -> DeploymentRequests.validate(d, 100));
        assertEquals(ManagementException.Reason.INVALID, e.reason());
        return e.getMessage();
    }

    @Test
    void aMinimalDeploymentPassesWithEmptyCollections() throws Exception {
        FunctionDeployment ok = DeploymentRequests.validate(d("catservice", "faas/catservice:latest"), 100);
        assertEquals(Map.of(), ok.envVars());
        assertEquals(List.of(), ok.secrets());
        assertEquals("", ok.envProcess());
    }

    @Test
    void serviceAndImageAreRequired() {
        assertTrue(refusal(d(null, "faas/catservice")).contains("service is required"));
        assertTrue(refusal(d(" ", "faas/catservice")).contains("service is required"));
        assertTrue(refusal(d("cat", null)).contains("image is required"));
    }

    @Test
    void namesFollowTheRoutingRuleAndStartWithALetterOrDigit() {
        for (String bad : new String[] {"has space", "a/b", "-dash", ".dot", "x".repeat(64), "é"}) {
            assertTrue(refusal(d(bad, "faas/catservice")).contains("not a valid name"), bad);
        }
    }

    @Test
    void imagesMustLookLikeReferences() {
        assertTrue(refusal(d("cat", "faas/cat service")).contains("not a valid image reference"));
        assertTrue(refusal(d("cat", "-faas")).contains("not a valid image reference"));
    }

    @Test
    void everyOtherFieldIsCheckedAndNamed() {
        assertTrue(refusal(new FunctionDeployment("cat", "img", "", Map.of("A=B", "1"), null, null, null, null,
                null, null, false, null, null)).contains("envVars key"));
        assertTrue(refusal(new FunctionDeployment("cat", "img", "", null, Map.of(" ", "x"), null, null, null,
                null, null, false, null, null)).contains("labels"));
        assertTrue(refusal(new FunctionDeployment("cat", "img", "", null, null, null, null, List.of("bad secret"),
                null, null, false, null, null)).contains("secrets[]"));
        assertTrue(refusal(new FunctionDeployment("cat", "img", "", null, null, null, List.of(""), null,
                null, null, false, null, null)).contains("constraints"));
        assertTrue(refusal(new FunctionDeployment("cat", "img", "", null, null, null, null, null,
                new Resources("lots", null), null, false, null, null)).startsWith("limits: "));
        assertTrue(refusal(new FunctionDeployment("cat", "img", "", null, null, null, null, null,
                null, new Resources(null, "half"), false, null, null)).startsWith("requests: "));
    }

    private static FunctionDeployment labelled(Map<String, String> labels) {
        return new FunctionDeployment("cat", "img", "", null, labels, null, null, null, null, null, false, null, null);
    }

    @Test
    void labelsThatWouldMakeAFunctionPartOfAStackAreRefused() {
        String stack = refusal(labelled(Map.of("com.docker.stack.namespace", "faas")));
        assertTrue(stack.contains("com.docker.stack.namespace") && stack.contains("reserved"), stack);
        assertTrue(refusal(labelled(Map.of("com.docker.stack.image", "x"))).contains("reserved"));
    }

    @Test
    void replicaLabelsHaveACeilingAndMinStaysAtOrBelowMax() {
        assertTrue(refusal(labelled(Map.of("com.openfaas.scale.min", "10000"))).contains("max_replicas is 100"));
        assertTrue(refusal(labelled(Map.of("com.openfaas.scale.min", "3", "com.openfaas.scale.max", "1")))
                .contains("above"));
    }

    @Test
    void aMemoryLimitBelowDockersMinimumIsRefusedWithTheMinimum() throws Exception {
        String low = refusal(new FunctionDeployment("cat", "img", "", null, null, null, null, null,
                new Resources("5Mi", null), null, false, null, null));
        assertTrue(low.contains("6 MiB"), low);
        DeploymentRequests.validate(new FunctionDeployment("cat", "img", "", null, null, null, null, null,
                new Resources("6m", null), new Resources("1m", null), false, null, null), 100);
    }

    @Test
    void registryAuthIsCarriedToTheProviderButNeverShown() throws Exception {
        FunctionDeployment d = DeploymentRequests.validate(Api.JSON.readValue("{\"service\": \"cat\", \"image\": "
                + "\"127.0.0.1:5000/faas/cat:1\", \"registryAuth\": \"YWxpY2U6aHVudGVyMg==\"}",
                FunctionDeployment.class), 100);
        assertEquals("YWxpY2U6aHVudGVyMg==", d.registryAuth(), "decoded and checked by the provider");
        assertTrue(d.toString().contains("registryAuth=(given)"), d.toString());
        assertTrue(!d.toString().contains("YWxpY2U6aHVudGVyMg"), d.toString());
        assertEquals("", d("cat", "img").registryAuth(), "absent is empty, never null");
    }
}
