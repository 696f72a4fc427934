package dev.faas.gateway.api;

import dev.faas.gateway.provider.FunctionDeployment;
import dev.faas.gateway.provider.FunctionDeployment.Resources;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.Quantities;
import dev.faas.gateway.routing.FunctionNames;
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

    private DeploymentRequests() {}

    public static FunctionDeployment validate(FunctionDeployment d) throws ManagementException {
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
                Quantities.memoryBytes(r.memory());
            }
            if (r.cpu() != null && !r.cpu().isBlank()) {
                Quantities.nanoCpus(r.cpu());
            }
        } catch (IllegalArgumentException e) {
            throw Api.invalid(field + ": " + e.getMessage());
        }
    }

    /** A caller's text made safe for a one-line message. */
    static String printable(String text) {
        String s = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
