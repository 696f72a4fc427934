package dev.faas.cli.command;

import dev.faas.cli.Session;
import dev.faas.cli.stack.FunctionSpec;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Which functions of the file a command acts on: those named, else those --filter matches, else all. */
final class FunctionSelection {
    @Parameters(arity = "0..*", paramLabel = "NAME", description = "Functions of the file (default: all).")
    List<String> names = new ArrayList<>();

    @Option(names = "--filter", paramLabel = "WILDCARD", description = "Only functions whose name matches, e.g. 'api-*'.")
    String filter;

    List<FunctionSpec> of(Session session) {
        return session.functionsFile().select(names, filter);
    }
}
