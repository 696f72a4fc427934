package dev.faas.gateway.provider;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * OpenFaaS's deploy/update request ({@code POST|PUT /system/functions}), field for field. Absent collections are
 * empty, never null (see {@link dev.faas.gateway.api.DeploymentRequests}, which validates before anything is created).
 *
 * @param service     the function's name, which is also the Swarm service name
 * @param envProcess  the watchdog's {@code fprocess}; empty keeps the image's own
 * @param network     ignored unless it names the functions network: every function joins that one network
 * @param namespace   Swarm has no namespaces: empty, or the one the gateway reports (checked by api.Namespace)
 * @param registryAuth base64 of {@code user:password} for the image's registry, or empty; a credential, so it is
 *                    never shown by {@link #toString()} (the provider decodes and checks it)
 */
public record FunctionDeployment(
        String service,
        String image,
        String envProcess,
        Map<String, String> envVars,
        Map<String, String> labels,
        Map<String, String> annotations,
        List<String> constraints,
        List<String> secrets,
        Resources limits,
        Resources requests,
        boolean readOnlyRootFilesystem,
        String network,
        String namespace,
        String registryAuth) {

    public FunctionDeployment {
        envProcess = envProcess == null ? "" : envProcess;
        envVars = envVars == null ? Map.of() : Map.copyOf(envVars);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        constraints = constraints == null ? List.of() : List.copyOf(constraints);
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
        network = network == null ? "" : network;
        namespace = namespace == null ? "" : namespace;
        registryAuth = registryAuth == null ? "" : registryAuth;
    }

    /** A deployment without registry credentials (an image on the node, or in a registry that needs none). */
    public FunctionDeployment(String service, String image, String envProcess, Map<String, String> envVars,
                              Map<String, String> labels, Map<String, String> annotations, List<String> constraints,
                              List<String> secrets, Resources limits, Resources requests,
                              boolean readOnlyRootFilesystem, String network, String namespace) {
        this(service, image, envProcess, envVars, labels, annotations, constraints, secrets, limits, requests,
                readOnlyRootFilesystem, network, namespace, "");
    }

    /** For logs: registryAuth (a password) only as whether one was given, envVars (often secrets) by key only. */
    @Override
    public String toString() {
        return "FunctionDeployment[service=" + service + ", image=" + image + ", envProcess=" + envProcess
                + ", envVars=" + envVars.keySet() + ", labels=" + labels + ", annotations=" + annotations
                + ", constraints=" + constraints + ", secrets=" + secrets + ", limits=" + limits + ", requests="
                + requests + ", readOnlyRootFilesystem=" + readOnlyRootFilesystem + ", network=" + network
                + ", namespace=" + namespace + ", registryAuth=" + (registryAuth.isEmpty() ? "none" : "(given)")
                + "]";
    }

    /** {@code {"memory":"128m","cpu":"0.5"}}; either may be null (and is then left out of an answer). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Resources(String memory, String cpu) {}
}
