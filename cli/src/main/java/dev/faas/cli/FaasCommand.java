package dev.faas.cli;

import dev.faas.cli.command.BuildCommand;
import dev.faas.cli.command.CompletionCommand;
import dev.faas.cli.command.DeployCommand;
import dev.faas.cli.command.DescribeCommand;
import dev.faas.cli.command.InvokeCommand;
import dev.faas.cli.command.ListCommand;
import dev.faas.cli.command.LoginCommand;
import dev.faas.cli.command.LogoutCommand;
import dev.faas.cli.command.LogsCommand;
import dev.faas.cli.command.NewCommand;
import dev.faas.cli.command.RemoveCommand;
import dev.faas.cli.command.ScaleCommand;
import dev.faas.cli.command.SecretCommand;
import dev.faas.cli.command.UpCommand;
import dev.faas.cli.command.UploadCommand;
import dev.faas.cli.command.VersionCommand;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The {@code faas} command: its global options (accepted before or after the subcommand's name) and the list of
 * subcommands, in the order the help shows them.
 */
@Command(name = "faas", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, versionProvider = Version.Provider.class,
        usageHelpAutoWidth = true, sortOptions = false,
        description = "Build, deploy and call functions on a faas (or OpenFaaS) gateway.",
        footer = {"", "Exit codes: 0 ok, 1 the call failed, 2 usage error, 3 cannot reach the gateway, "
                + "4 credentials refused, 5 a build failed.", "Docs: docs/cli.md"})
public final class FaasCommand implements Runnable {

    /** A subcommand by its names (the first is the one help shows), and how to make it. */
    record Subcommand(List<String> names, Supplier<Object> make) {}

    /** Every subcommand, in the order the help lists them. */
    static final List<Subcommand> SUBCOMMANDS = List.of(
            new Subcommand(List.of("new"), NewCommand::new),
            new Subcommand(List.of("up"), UpCommand::new),
            new Subcommand(List.of("build"), BuildCommand::new),
            new Subcommand(List.of("deploy"), DeployCommand::new),
            new Subcommand(List.of("upload"), UploadCommand::new),
            new Subcommand(List.of("invoke"), InvokeCommand::new),
            new Subcommand(List.of("list", "ls"), ListCommand::new),
            new Subcommand(List.of("describe"), DescribeCommand::new),
            new Subcommand(List.of("logs"), LogsCommand::new),
            new Subcommand(List.of("scale"), ScaleCommand::new),
            new Subcommand(List.of("remove", "rm"), RemoveCommand::new),
            new Subcommand(List.of("secret"), SecretCommand::new),
            new Subcommand(List.of("login"), LoginCommand::new),
            new Subcommand(List.of("logout"), LogoutCommand::new),
            new Subcommand(List.of("version"), VersionCommand::new),
            new Subcommand(List.of("completion"), CompletionCommand::new),
            new Subcommand(List.of("help"), CommandLine.HelpCommand::new));

    /** Options of this command that take a value: what to skip when looking for the subcommand's name. */
    private static final Set<String> VALUED_OPTIONS = Set.of("-g", "--gateway", "-f", "--yaml");

    /**
     * The command line for these arguments. Picocli reads every subcommand's annotations when it is added (the
     * largest part of the start), so only the one named is added; help, completion, or a name that is no
     * subcommand's (for picocli's suggestions) get them all.
     */
    static CommandLine commandLineFor(String... args) {
        CommandLine cli = new CommandLine(new FaasCommand());
        String named = subcommandName(args);
        boolean all = named == null || named.equals("completion") || named.equals("help")
                || Arrays.stream(args).anyMatch(a -> a.equals("-h") || a.equals("--help"));
        List<Subcommand> chosen = SUBCOMMANDS.stream().filter(c -> all || c.names().contains(named)).toList();
        for (Subcommand c : chosen.isEmpty() ? SUBCOMMANDS : chosen) {
            cli.addSubcommand(c.names().get(0), c.make().get(), c.names().subList(1, c.names().size())
                    .toArray(String[]::new));
        }
        return cli;
    }

    /** The first argument that is neither an option nor an option's value; null when there is none. */
    static String subcommandName(String... args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (VALUED_OPTIONS.contains(a)) {
                i++;
            } else if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
    }

    @Spec
    CommandSpec spec;

    @Option(names = {"-g", "--gateway"}, scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "The gateway (default: $OPENFAAS_URL, else the file's provider.gateway, "
                    + "else http://127.0.0.1:8080).")
    String gateway;

    @Option(names = {"-f", "--yaml"}, scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "The functions file (default: stack.yml).")
    String file;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print JSON for scripts (list, describe, invoke, up, build, deploy, version, logs).")
    boolean json;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Say more: every build log line, images and replicas in list.")
    boolean verbose;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "say which command to run (faas --help lists them)");
    }
}
