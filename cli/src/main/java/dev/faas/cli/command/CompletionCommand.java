package dev.faas.cli.command;

import dev.faas.cli.CliFailure;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "completion", description = {"Print a shell completion script: source <(faas completion bash)",
        "(zsh: autoload -U +X bashcompinit && bashcompinit, then the same)."})
public final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", defaultValue = "bash", paramLabel = "SHELL", description = "bash (default) or zsh.")
    String shell;

    @Override
    public Integer call() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw CliFailure.usage("completion for " + shell + " is not made: bash or zsh");
        }
        spec.commandLine().getOut().print(AutoComplete.bash("faas", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
