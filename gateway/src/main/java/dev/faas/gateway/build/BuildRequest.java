package dev.faas.gateway.build;

import dev.faas.gateway.provider.FunctionDeployment;
import java.nio.file.Path;
import java.util.Map;

/**
 * One build: the uploaded archive, what to build it with, and how to deploy it.
 *
 * @param lang       a template's name, {@code dockerfile}, or empty to decide by what was uploaded
 * @param archive    the upload as received (zip, tar, tar.gz); the build removes it when done
 * @param deployment the function to deploy (already checked by its front door); its image is the build's own
 * @param deploy     false: build (and distribute) only
 * @param createOnly a function of that name existing already is a 409 (checked while the build holds the name)
 */
public record BuildRequest(String function, String lang, Path archive, FunctionDeployment deployment,
                           Map<String, String> buildArgs, boolean deploy, boolean createOnly) {
    public BuildRequest {
        lang = lang == null ? "" : lang;
        buildArgs = buildArgs == null ? Map.of() : Map.copyOf(buildArgs);
    }
}
