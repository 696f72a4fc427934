package dev.faas.cli.command;

import dev.faas.cli.Session;
import dev.faas.cli.build.ContextPacker;
import dev.faas.cli.output.Json;
import dev.faas.cli.stack.FunctionNames;
import dev.faas.cli.stack.FunctionSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "upload", description = {"Make a function of one program: it is sent as an executable bootstrap "
        + "(or a zip with a bootstrap at its root, as is), built and deployed by the gateway.",
        "The program reads the call's body on stdin and writes the answer on stdout."})
public final class UploadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The function's name.")
    String name;

    @Parameters(index = "1", paramLabel = "PROGRAM", description = "A program for Linux (a static binary, a script "
            + "with #!), or a zip with an executable bootstrap.")
    Path program;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "An environment variable (repeatable).")
    List<String> env = new ArrayList<>();

    @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "A label (repeatable).")
    List<String> labels = new ArrayList<>();

    @Option(names = "--no-deploy", description = "Build the image only.")
    boolean noDeploy;

    @Override
    public Integer call() {
        Session session = Session.of(spec);
        FunctionSpec f = FunctionSpec.named(FunctionNames.checked(name))
                .withEnvironment(KeyValues.parse(env, "--env"))
                .withLabels(KeyValues.parse(labels, "--label"));
        Release release = new Release(session);
        Release.Result r = release.send(f, null, !noDeploy, ContextPacker.program(program));
        if (session.json()) {
            session.out().println(Json.pretty(r.json()));
        } else {
            session.out().println(r.line());
            if (!noDeploy) {
                session.out().println("call it:  echo hello | faas invoke " + r.function() + " -g " + session.gateway());
                session.out().println("      or:  curl -s " + r.url() + " -d hello");
            }
        }
        session.out().flush();
        return 0;
    }
}
