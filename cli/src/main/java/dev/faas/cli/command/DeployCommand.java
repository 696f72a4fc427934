package dev.faas.cli.command;

import dev.faas.cli.Session;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "deploy", description = {"Deploy the file's functions from their images, without building "
        + "(POST, or PUT when the function exists, /system/functions).", "Works against an OpenFaaS gateway too."})
public final class DeployCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    FunctionSelection selection;

    @Override
    public Integer call() {
        Session session = Session.of(spec);
        Release release = new Release(session);
        release.each(selection.of(session), release::deploy);
        return 0;
    }
}
