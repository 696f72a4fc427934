package dev.faas.cli.command;

import dev.faas.cli.Session;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "build", description = "Build the file's functions on the gateway's builder, without deploying them.")
public final class BuildCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    FunctionSelection selection;

    @Override
    public Integer call() {
        Session session = Session.of(spec);
        Release release = new Release(session);
        release.each(selection.of(session), f -> release.build(f, false));
        return 0;
    }
}
