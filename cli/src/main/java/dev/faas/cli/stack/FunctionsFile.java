package dev.faas.cli.stack;

import dev.faas.cli.CliFailure;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * faas-cli's functions file (stack.yml), read: its functions in the file's order, and the warnings the reader had
 * (unknown keys), which the command prints once.
 */
public record FunctionsFile(Path path, String version, Provider provider, Map<String, FunctionSpec> functions,
                            List<String> warnings) {

    public FunctionsFile {
        functions = Collections.unmodifiableMap(new LinkedHashMap<>(functions));
        warnings = List.copyOf(warnings);
    }

    /**
     * The functions a command acts on: those named (each must be in the file), else those whose name matches the
     * {@code --filter} wildcard (faas-cli's: {@code *} and {@code ?}), else all of them.
     */
    public List<FunctionSpec> select(List<String> names, String filter) {
        if (names != null && !names.isEmpty()) {
            List<FunctionSpec> chosen = new ArrayList<>();
            for (String name : names) {
                FunctionSpec f = functions.get(name);
                if (f == null) {
                    throw CliFailure.usage(path + " has no function " + name + " (it has: "
                            + String.join(", ", functions.keySet()) + ")");
                }
                chosen.add(f);
            }
            return chosen;
        }
        if (filter != null) {
            PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + filter);
            List<FunctionSpec> chosen = functions.values().stream()
                    .filter(f -> glob.matches(Path.of(f.name()))).toList();
            if (chosen.isEmpty()) {
                throw CliFailure.usage("no function of " + path + " matches --filter " + filter);
            }
            return chosen;
        }
        if (functions.isEmpty()) {
            throw CliFailure.usage(path + " has no functions: add one with faas new <name> --lang <template>");
        }
        return List.copyOf(functions.values());
    }
}
