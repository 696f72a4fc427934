package dev.faas.gateway.api;

import dev.faas.common.Printable;
import dev.faas.gateway.provider.FunctionDeployment;
import dev.faas.gateway.provider.FunctionDeployment.Resources;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.Quantities;
import dev.faas.gateway.routing.FunctionNames;
import dev.faas.gateway.scaling.ReplicaBounds;
import dev.faas.gateway.scaling.ScaleToZero;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a deploy/update request before anything is sent to the orchestrator, and says exactly what is wrong.
 * Pure, so every rule is unit-tested.
 */
public final class DeploymentRequests {
    /** Docker's reference grammar, loosely: registry host[:port]/path[:tag][@digest]; the engine has the last word. */
    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]*");
    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    /** Docker's smallest memory limit: a lower one is accepted by the API and the task then never starts. */
    static final long MIN_MEMORY_LIMIT = 6L * 1024 * 1024;
    /** Labels Docker's own tools own: {@code com.docker.stack.namespace} would make the stack's next deploy or rm delete the function. */
    private static final String DOCKER_LABELS = "com.docker.";

    private DeploymentRequests() {}

    /** @param maxReplicas the gateway's ceiling for replica labels ({@code max_replicas}) */
    public static FunctionDeployment validate(FunctionDeployment d, int maxReplicas) throws ManagementException {
        requireName("service", d.service());
        if (d.image() == null || d.image().isBlank()) {
            throw Api.invalid("image is required, e.g. \"image\": \"faas/catservice\"");
        }
        if (!IMAGE.matcher(d.image()).matches() || d.image().length() > 255) {
            throw Api.invalid("image \"" + printable(d.image()) + "\" is not a valid image reference");
        }
        for (String key : d.envVars().keySet()) {
            if (!ENV_KEY.matcher(key).matches()) {
                throw Api.invalid("envVars key \"" + printable(key) + "\" is not a valid variable name");
            }
        }
        requireKeys("labels", d.labels());
        requireKeys("annotations", d.annotations());
        for (String key : d.labels().keySet()) {
            if (key.startsWith(DOCKER_LABELS)) {
                throw Api.invalid("label \"" + printable(key) + "\" is reserved for Docker's tools (" + DOCKER_LABELS
                        + "*): a function carrying com.docker.stack.* labels would be deleted by the stack's next "
                        + "deploy or docker stack rm");
            }
        }
        try {
            ReplicaBounds.check(d.labels(), maxReplicas);
            ScaleToZero.check(d.labels());
        } catch (IllegalArgumentException e) {
            throw Api.invalid(e.getMessage());
        }
        for (String secret : d.secrets()) {
            requireName("secrets[]", secret);
        }
        for (String c : d.constraints()) {
            if (c == null || c.isBlank()) {
                throw Api.invalid("constraints holds an empty entry");
            }
        }
        amounts("limits", d.limits());
        amounts("requests", d.requests());
        return d;
    }

    /** Names of functions and secrets: the gateway's routing rule, starting with a letter or digit as Docker wants. */
    public static void requireName(String field, String name) throws ManagementException {
        if (name == null || name.isBlank()) {
            throw Api.invalid(field + " is required");
        }
        if (!FunctionNames.isValid(name) || !Character.isLetterOrDigit(name.charAt(0))) {
            throw Api.invalid(field + " \"" + printable(name) + "\" is not a valid name: " + FunctionNames.RULE
                    + ", starting with a letter or digit");
        }
    }

    private static void requireKeys(String field, Map<String, String> map) throws ManagementException {
        for (String key : map.keySet()) {
            if (key.isBlank() || !key.equals(key.strip())) {
                throw Api.invalid(field + " has an empty or padded key \"" + printable(key) + "\"");
            }
        }
    }

    private static void amounts(String field, Resources r) throws ManagementException {
        if (r == null) {
            return;
        }
        try {
            if (r.memory() != null && !r.memory().isBlank()) {
                long bytes = Quantities.memoryBytes(r.memory());
                if (field.equals("limits") && bytes < MIN_MEMORY_LIMIT) {
                    throw Api.invalid("limits.memory " + printable(r.memory()) + " is below Docker's minimum of 6 MiB"
                            + " (6291456 bytes): the function would never start; use 6m or more");
                }
            }
            if (r.cpu() != null && !r.cpu().isBlank()) {
                Quantities.nanoCpus(r.cpu());
            }
        } catch (IllegalArgumentException e) {
            throw Api.invalid(field + ": " + e.getMessage());
        }
    }

    /** A caller's text made safe to echo in one line. */
    static String printable(String text) {
        return Printable.of(text, 80);
    }
}
