package dev.faas.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.faas.gateway.api.AlertHandler.Notification;
import dev.faas.gateway.provider.ManagementException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertHandlerTest {
    private static Notification parse(String json) throws Exception {
        return Api.JSON.readValue(json, Notification.class);
    }

    @Test
    void readsEachFunctionOnceWithItsLastStatus() throws Exception {
        Notification n = parse("""
                {"receiver": "scale-up", "status": "firing", "groupLabels": {"alertname": "APIHighInvocationRate"},
                 "alerts": [
                   {"status": "firing", "labels": {"alertname": "APIHighInvocationRate", "function_name": "a"}},
                   {"status": "resolved", "labels": {"alertname": "APIHighInvocationRate", "function_name": "b"}},
                   {"status": "resolved", "labels": {"alertname": "APIHighInvocationRate", "function_name": "a"}},
                   {"status": "firing", "labels": {"alertname": "GatewayDown"}}
                 ]}""");
        assertEquals(Map.of("a", false, "b", false), AlertHandler.firingByFunction(n));
    }

    @Test
    void anAlertWithoutItsOwnStatusTakesTheNotifications() throws Exception {
        Notification n = parse("{\"status\": \"firing\", \"alerts\": [{\"labels\": {\"function_name\": \"a\"}}]}");
        assertEquals(Map.of("a", true), AlertHandler.firingByFunction(n));
    }

    @Test
    void aBadShapeIsRefusedInOpenFaasWords() throws Exception {
        for (String bad : new String[] {"{}", "{\"alerts\": [{\"status\": \"weird\", \"labels\": {}}]}",
                "{\"status\": \"firing\", \"alerts\": [{\"labels\": {\"function_name\": \"../x\"}}]}"}) {
            ManagementException e = assertThrows(ManagementException.class,
                    () -> AlertHandler.firingByFunction(parse(bad)));
            assertEquals(ManagementException.Reason.INVALID, e.reason(), bad);
        }
    }
}
