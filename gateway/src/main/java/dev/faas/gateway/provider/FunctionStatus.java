package dev.faas.gateway.provider;

import java.util.List;
import java.util.Map;

/**
 * One function as {@code GET /system/functions} reports it (OpenFaaS's FunctionStatus field names).
 *
 * @param replicas          desired replicas
 * @param availableReplicas tasks running now
 * @param invocationCount   calls through this gateway since it started (its own counters)
 * @param createdAt         when the service was created, RFC 3339
 */
public record FunctionStatus(
        String name,
        String image,
        String envProcess,
        Map<String, String> envVars,
        Map<String, String> labels,
        Map<String, String> annotations,
        List<String> constraints,
        List<String> secrets,
        boolean readOnlyRootFilesystem,
        int replicas,
        int availableReplicas,
        double invocationCount,
        String createdAt,
        String namespace) {

    /** As the API reports it: with the gateway's call count and the namespace clients know it by. */
    public FunctionStatus reported(double count, String inNamespace) {
        return new FunctionStatus(name, image, envProcess, envVars, labels, annotations, constraints, secrets,
                readOnlyRootFilesystem, replicas, availableReplicas, count, createdAt, inNamespace);
    }
}
