package dev.faas.gateway.provider.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.gateway.provider.FunctionDeployment.Resources;
import dev.faas.gateway.provider.FunctionStatus;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a function's status from a service as {@code GET /services?status=true} answers it. Pure.
 * availableReplicas is Docker's own count of running tasks (ServiceStatus.RunningTasks).
 */
final class FunctionStatuses {
    private FunctionStatuses() {}

    static String name(JsonNode service) {
        return SwarmState.functionName(service.path("Spec").path("Name").asText(), service.path("Spec").path("Labels"));
    }

    /** Whether callers may address this service by {@code name}: its function name or its full service name. */
    static boolean isCalled(JsonNode service, String name) {
        return name.equals(name(service)) || name.equals(service.path("Spec").path("Name").asText());
    }

    static FunctionStatus of(JsonNode service) {
        JsonNode spec = service.path("Spec");
        JsonNode container = spec.path("TaskTemplate").path("ContainerSpec");
        String envProcess = "";
        Map<String, String> envVars = new TreeMap<>();
        for (JsonNode e : container.path("Env")) {
            String entry = e.asText();
            int eq = entry.indexOf('=');
            String key = eq < 0 ? entry : entry.substring(0, eq);
            String value = eq < 0 ? "" : entry.substring(eq + 1);
            if (key.equals("fprocess")) {
                envProcess = value;
            } else {
                envVars.put(key, value);
            }
        }
        Map<String, String> labels = new TreeMap<>();
        Map<String, String> annotations = new TreeMap<>();
        spec.path("Labels").fields().forEachRemaining(l -> {
            if (l.getKey().startsWith(ServiceSpecs.ANNOTATION_PREFIX)) {
                annotations.put(l.getKey().substring(ServiceSpecs.ANNOTATION_PREFIX.length()), l.getValue().asText());
            } else {
                labels.put(l.getKey(), l.getValue().asText());
            }
        });
        List<String> secrets = new ArrayList<>();
        container.path("Secrets").forEach(s -> {
            if (!secrets.contains(s.path("SecretName").asText())) { // mounted at two paths: named once
                secrets.add(s.path("SecretName").asText());
            }
        });
        List<String> constraints = new ArrayList<>();
        spec.path("TaskTemplate").path("Placement").path("Constraints").forEach(c -> constraints.add(c.asText()));
        JsonNode replicated = spec.path("Mode").path("Replicated");
        JsonNode status = service.path("ServiceStatus");
        int running = status.path("RunningTasks").asInt(0);
        return new FunctionStatus(
                name(service),
                image(container.path("Image").asText()),
                envProcess,
                envVars,
                labels,
                annotations,
                constraints,
                secrets,
                container.path("ReadOnly").asBoolean(false),
                resources(spec.path("TaskTemplate").path("Resources").path("Limits")),
                resources(spec.path("TaskTemplate").path("Resources").path("Reservations")),
                replicated.isMissingNode() ? status.path("DesiredTasks").asInt(running) : replicated.path("Replicas").asInt(0),
                running,
                0,
                service.path("CreatedAt").asText(""),
                "");
    }

    /** Docker's amounts in the form a deploy accepts back: memory in the largest whole binary unit, CPU in cores. */
    static Resources resources(JsonNode amounts) {
        long bytes = amounts.path("MemoryBytes").asLong(0);
        long nanos = amounts.path("NanoCPUs").asLong(0);
        if (bytes <= 0 && nanos <= 0) {
            return null;
        }
        String memory = null;
        if (bytes > 0) {
            String[] units = {"", "Ki", "Mi", "Gi"};
            int unit = 0;
            while (unit < 3 && bytes % 1024 == 0) {
                bytes /= 1024;
                unit++;
            }
            memory = bytes + units[unit];
        }
        String cpu = nanos > 0 ? BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString() : null;
        return new Resources(memory, cpu);
    }

    /** The image as the user named it: the digest the gateway (or Docker's CLI) pinned is not part of that name. */
    static String image(String image) {
        return ImageNames.unpinned(image);
    }
}
