package dev.faas.gateway.provider;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import dev.faas.gateway.provider.FunctionDeployment.Resources;
import java.util.List;
import java.util.Map;

/**
 * One function as {@code GET /system/functions} reports it (OpenFaaS's FunctionStatus field names). As OpenFaaS's
 * providers do, fields with nothing to say are left out ({@code envProcess} when the image's own is used,
 * {@code envVars} when there are none, {@code limits}/{@code requests} when none were set): OpenFaaS's clients send
 * back what they read, and never send {@code "envVars": {}}.
 *
 * @param replicas          desired replicas
 * @param availableReplicas tasks running now
 * @param invocationCount   calls through this gateway since it started (its own counters)
 * @param createdAt         when the service was created, RFC 3339
 */
public record FunctionStatus(
        String name,
        String image,
        @JsonInclude(Include.NON_EMPTY) String envProcess,
        @JsonInclude(Include.NON_EMPTY) Map<String, String> envVars,
        Map<String, String> labels,
        Map<String, String> annotations,
        List<String> constraints,
        List<String> secrets,
        boolean readOnlyRootFilesystem,
        @JsonInclude(Include.NON_NULL) Resources limits,
        @JsonInclude(Include.NON_NULL) Resources requests,
        int replicas,
        int availableReplicas,
        double invocationCount,
        String createdAt,
        String namespace) {

    /** As the API reports it: with the gateway's call count and the namespace clients know it by. */
    public FunctionStatus reported(double count, String inNamespace) {
        return new FunctionStatus(name, image, envProcess, envVars, labels, annotations, constraints, secrets,
                readOnlyRootFilesystem, limits, requests, replicas, availableReplicas, count, createdAt, inNamespace);
    }
}
