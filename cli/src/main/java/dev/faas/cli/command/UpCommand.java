package dev.faas.cli.command;

import dev.faas.cli.Session;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "up", description = {"Build and deploy the file's functions, one builder call each (the gateway "
        + "builds and deploys; an unchanged function is left as it is).",
        "A function without a handler (or with skip_build: true) is deployed from its image."})
public final class UpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    FunctionSelection selection;

    @Override
    public Integer call() {
        Session session = Session.of(spec);
        Release release = new Release(session);
        release.each(selection.of(session), release::up);
        return 0;
    }
}
