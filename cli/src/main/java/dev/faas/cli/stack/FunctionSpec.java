package dev.faas.cli.stack;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One function of the file, read and resolved: {@code environment} already holds its {@code environment_file}s,
 * {@code handler} is a path resolved against the file's directory (null when the file gives none: deploy only).
 */
public record FunctionSpec(
        String name,
        String lang,
        Path handler,
        String image,
        String fprocess,
        Map<String, String> environment,
        Map<String, String> labels,
        Map<String, String> annotations,
        List<String> secrets,
        List<String> constraints,
        Resources limits,
        Resources requests,
        Map<String, String> buildArgs,
        boolean skipBuild,
        boolean readOnlyRootFilesystem) {

    /** The template a Dockerfile directory is built with: no template at all, the directory is the context. */
    public static final String DOCKERFILE = "dockerfile";

    public FunctionSpec {
        environment = Map.copyOf(environment);
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        secrets = List.copyOf(secrets);
        constraints = List.copyOf(constraints);
        buildArgs = Map.copyOf(buildArgs);
    }

    /** A function known only by its name (upload's): nothing set. */
    public static FunctionSpec named(String name) {
        return new FunctionSpec(name, null, null, null, null, Map.of(), Map.of(), Map.of(), List.of(), List.of(),
                Resources.NONE, Resources.NONE, Map.of(), false, false);
    }

    /** {@code up} builds it (from its handler) rather than only deploying its image. */
    public boolean isBuiltFromSource() {
        return handler != null && !skipBuild;
    }

    /** The template parameter of a build: none for a Dockerfile directory. */
    public String templateOrNull() {
        return lang == null || lang.equals(DOCKERFILE) ? null : lang;
    }

    public FunctionSpec withEnvironment(Map<String, String> more) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.putAll(more);
        return new FunctionSpec(name, lang, handler, image, fprocess, env, labels, annotations, secrets, constraints,
                limits, requests, buildArgs, skipBuild, readOnlyRootFilesystem);
    }

    public FunctionSpec withLabels(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(labels);
        all.putAll(more);
        return new FunctionSpec(name, lang, handler, image, fprocess, environment, all, annotations, secrets,
                constraints, limits, requests, buildArgs, skipBuild, readOnlyRootFilesystem);
    }
}
