package dev.faas.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Runs one command and exits with its code: expected failures print one message, never a stack trace. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine cli = FaasCommand.commandLineFor(args);
        cli.setExecutionExceptionHandler(Main::report);
        return cli.execute(args);
    }

    private static int report(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        PrintWriter err = command.getErr();
        if (e instanceof CliFailure failure) {
            err.println("faas: " + failure.getMessage());
            err.flush();
            return failure.exit().code;
        }
        if (e instanceof CommandLine.ParameterException usage) {
            err.println("faas: " + usage.getMessage());
            err.flush();
            return Exit.USAGE.code;
        }
        err.println("faas: unexpected error (a bug: please report it with the command you ran): " + e);
        if (System.getenv("FAAS_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
        return Exit.CALL_FAILED.code;
    }
}
