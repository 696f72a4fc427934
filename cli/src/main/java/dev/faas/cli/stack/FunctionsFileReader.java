package dev.faas.cli.stack;

import dev.faas.cli.CliFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads faas-cli's functions file. Paths in it (handler, environment_file) are relative to the file's directory,
 * so {@code faas up -f sample-functions/functions.yml} works from anywhere. Keys faas does not use are reported as
 * warnings, never errors: a file written for faas-cli keeps working.
 */
public final class FunctionsFileReader {
    private static final Set<String> TOP_KEYS = Set.of("version", "provider", "functions");
    /** faas-cli's keys that mean nothing here (its template store, its build flags): ignored, said once. */
    private static final Set<String> TOP_KEYS_IGNORED = Set.of("configuration", "stack");
    private static final Set<String> PROVIDER_KEYS = Set.of("name", "gateway", "network");
    private static final Set<String> FUNCTION_KEYS = Set.of("lang", "handler", "image", "fprocess", "environment",
            "environment_file", "labels", "annotations", "secrets", "limits", "requests", "build_args", "constraints",
            "skip_build", "readonly_root_filesystem");
    private static final Set<String> FUNCTION_KEYS_IGNORED = Set.of("name", "namespace", "build_options",
            "platforms", "build_secrets");
    private static final Set<String> RESOURCE_KEYS = Set.of("memory", "cpu");

    private final Map<String, String> env;

    /** @param env the variables {@code ${NAME}} in the file is replaced with (the process's environment) */
    public FunctionsFileReader(Map<String, String> env) {
        this.env = env;
    }

    public FunctionsFile read(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        List<String> warnings = new ArrayList<>();
        YamlValues values = new YamlValues(file.toString());
        Map<?, ?> top = values.map(parse(file), "the file");
        checkKeys(top, TOP_KEYS, TOP_KEYS_IGNORED, "", file, warnings);

        Map<?, ?> p = values.map(top.get("provider"), "provider");
        checkKeys(p, PROVIDER_KEYS, Set.of(), "provider.", file, warnings);
        Provider provider = new Provider(values.string(p.get("name"), "provider.name"),
                values.string(p.get("gateway"), "provider.gateway"));

        Map<String, FunctionSpec> functions = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : values.map(top.get("functions"), "functions").entrySet()) {
            String name = String.valueOf(e.getKey());
            if (!FunctionNames.NAME.matcher(name).matches()) {
                throw CliFailure.usage(file + ": the function name " + name + " is not valid (letters, digits, "
                        + "- _ and ., starting with a letter or digit, at most 63 characters)");
            }
            functions.put(name, function(name, values.map(e.getValue(), "functions." + name), dir, file, values,
                    warnings));
        }
        return new FunctionsFile(file, values.string(top.get("version"), "version"), provider, functions, warnings);
    }

    private FunctionSpec function(String name, Map<?, ?> f, Path dir, Path file, YamlValues values,
                                  List<String> warnings) {
        String at = "functions." + name + ".";
        checkKeys(f, FUNCTION_KEYS, FUNCTION_KEYS_IGNORED, at, file, warnings);
        String handler = values.string(f.get("handler"), at + "handler");
        // faas-cli: the environment files' values win over `environment`, later files over earlier ones.
        Map<String, String> environment = new LinkedHashMap<>(values.stringMap(f.get("environment"), at + "environment"));
        for (String envFile : values.stringList(f.get("environment_file"), at + "environment_file")) {
            environment.putAll(environmentFile(dir.resolve(envFile), at + "environment_file"));
        }
        return new FunctionSpec(name,
                values.string(f.get("lang"), at + "lang"),
                handler == null ? null : dir.resolve(handler).normalize(),
                values.string(f.get("image"), at + "image"),
                values.string(f.get("fprocess"), at + "fprocess"),
                environment,
                values.stringMap(f.get("labels"), at + "labels"),
                values.stringMap(f.get("annotations"), at + "annotations"),
                values.stringList(f.get("secrets"), at + "secrets"),
                values.stringList(f.get("constraints"), at + "constraints"),
                resources(values.map(f.get("limits"), at + "limits"), at + "limits.", file, values, warnings),
                resources(values.map(f.get("requests"), at + "requests"), at + "requests.", file, values, warnings),
                values.stringMap(f.get("build_args"), at + "build_args"),
                values.bool(f.get("skip_build"), at + "skip_build"),
                values.bool(f.get("readonly_root_filesystem"), at + "readonly_root_filesystem"));
    }

    private static Resources resources(Map<?, ?> r, String at, Path file, YamlValues values, List<String> warnings) {
        checkKeys(r, RESOURCE_KEYS, Set.of(), at, file, warnings);
        return new Resources(values.string(r.get("memory"), at + "memory"), values.string(r.get("cpu"), at + "cpu"));
    }

    /** A YAML file with an {@code environment:} map, as faas-cli's environment_file entries are. */
    private Map<String, String> environmentFile(Path path, String key) {
        YamlValues values = new YamlValues(path.toString());
        Map<?, ?> top = values.map(parse(path), "the file");
        if (!top.containsKey("environment")) {
            throw CliFailure.usage(path + " (" + key + ") has no environment: map; write it as\n"
                    + "environment:\n  KEY: value");
        }
        return values.stringMap(top.get("environment"), "environment");
    }

    private Object parse(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw CliFailure.usage("no file " + file + ": pass the functions file with -f, or create one with "
                    + "faas new <name> --lang <template>");
        } catch (IOException e) {
            throw CliFailure.usage("cannot read " + file + ": " + e.getMessage());
        }
        try {
            Object parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(EnvSubstitution.apply(text, env));
            return parsed == null ? Map.of() : parsed;
        } catch (YAMLException e) {
            throw CliFailure.usage(file + " is not valid YAML: " + e.getMessage());
        }
    }

    private static void checkKeys(Map<?, ?> map, Set<String> known, Set<String> ignored, String at, Path file,
                                  List<String> warnings) {
        for (Object key : map.keySet()) {
            String k = String.valueOf(key);
            if (ignored.contains(k)) {
                warnings.add(file + ": " + at + k + " is not used by faas; ignored");
            } else if (!known.contains(k)) {
                warnings.add(file + ": " + at + k + " is not a key faas knows; ignored");
            }
        }
    }
}
