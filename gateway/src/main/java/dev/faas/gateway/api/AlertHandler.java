package dev.faas.gateway.api;

import dev.faas.gateway.provider.FunctionManager;
import dev.faas.gateway.provider.FunctionStatus;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.ManagementException.Reason;
import dev.faas.gateway.scaling.ReplicaBounds;
import dev.faas.gateway.scaling.Scaling;
import io.undertow.server.HttpHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /system/alert}: AlertManager's webhook. Each alert names a function in its {@code function_name}
 * label; firing scales it up one step, resolved takes it back to its minimum ({@link Scaling#afterAlert}). The
 * answer lists what happened to each. An alert for a function that no longer exists is reported and skipped (200):
 * AlertManager retrying it would not help. Docker unreachable is 503, so AlertManager does retry then.
 * <p>
 * The functions are read once per notification, so its cost is one list plus one change per function that must
 * move, however many alerts it carries (5,000 alerts for unknown functions held a worker a minute when each alert
 * cost two Docker calls).
 */
public final class AlertHandler {
    private static final Logger LOG = LoggerFactory.getLogger(AlertHandler.class);

    /** The parts of AlertManager's webhook JSON the gateway reads. */
    public record Notification(String status, String receiver, List<Alert> alerts) {}

    public record Alert(String status, Map<String, String> labels) {}

    private final FunctionManager manager;
    private final int maxReplicas;

    public AlertHandler(FunctionManager manager, int maxReplicas) {
        this.manager = manager;
        this.maxReplicas = maxReplicas;
    }

    public HttpHandler alert() {
        return Api.blocking(exchange -> {
            Notification n = Api.read(exchange, Notification.class);
            Map<String, Boolean> firing = firingByFunction(n);
            Map<String, FunctionStatus> functions = new HashMap<>();
            if (!firing.isEmpty()) {
                for (FunctionStatus f : manager.list()) {
                    functions.put(f.name(), f);
                }
            }
            List<Map<String, Object>> outcomes = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            for (Map.Entry<String, Boolean> e : firing.entrySet()) {
                Map<String, Object> outcome = new LinkedHashMap<>();
                outcome.put("function", e.getKey());
                outcome.put("status", e.getValue() ? "firing" : "resolved");
                FunctionStatus f = functions.get(e.getKey());
                if (f == null) {
                    outcome.put("error", "function " + e.getKey() + " not found");
                    outcomes.add(outcome);
                    continue;
                }
                try {
                    int target = Scaling.afterAlert(e.getValue(), f.replicas(),
                            ReplicaBounds.fromLabels(f.labels(), maxReplicas));
                    outcome.put("from", f.replicas());
                    outcome.put("to", target);
                    if (target != f.replicas()) {
                        manager.scale(e.getKey(), target);
                    }
                    LOG.info("event=alert function={} status={} from={} to={}",
                            e.getKey(), outcome.get("status"), f.replicas(), target);
                } catch (ManagementException ex) {
                    if (ex.reason() == Reason.UNAVAILABLE) {
                        throw ex;
                    }
                    outcome.put("error", ex.getMessage());
                    if (ex.reason() != Reason.NOT_FOUND) {
                        failures.add(e.getKey() + ": " + ex.getMessage());
                    }
                }
                outcomes.add(outcome);
            }
            if (!failures.isEmpty()) {
                throw new ManagementException(Reason.FAILED, "scaling failed for " + String.join("; ", failures));
            }
            Api.json(exchange, 200, outcomes);
        });
    }

    /** Each function once, in order, with its last status: firing (true) or resolved (false). */
    static Map<String, Boolean> firingByFunction(Notification n) throws ManagementException {
        if (n.alerts() == null) {
            throw Api.invalid("Unable to parse alert, bad format: alerts is required");
        }
        Map<String, Boolean> firing = new LinkedHashMap<>();
        for (Alert a : n.alerts()) {
            String status = a == null || a.status() == null ? n.status() : a.status();
            if (!"firing".equals(status) && !"resolved".equals(status)) {
                throw Api.invalid("Unable to parse alert, bad format: status must be firing or resolved");
            }
            String name = a == null || a.labels() == null ? null : a.labels().get("function_name");
            if (name == null || name.isBlank()) {
                continue;
            }
            DeploymentRequests.requireName("labels.function_name", name);
            firing.put(name, "firing".equals(status));
        }
        return firing;
    }
}
