package dev.faas.cli.command;

import dev.faas.cli.CliFailure;
import dev.faas.cli.Session;
import dev.faas.cli.build.BuildContext;
import dev.faas.cli.build.BuildEvent;
import dev.faas.cli.build.BuildReporter;
import dev.faas.cli.build.Builder;
import dev.faas.cli.build.ContextPacker;
import dev.faas.cli.gateway.Deployer;
import dev.faas.cli.output.Json;
import dev.faas.cli.stack.FunctionSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Builds and deploys functions of the file for build, deploy and up, and says what each one did. */
final class Release {

    /** What happened to one function: the builder's result line, or a plain deploy's. */
    record Result(String function, String image, boolean built, String action, double seconds, String url) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("function", function);
            m.put("image", image);
            m.put("built", built);
            m.put("action", action);
            m.put("seconds", seconds);
            m.put("url", url);
            return m;
        }

        String line() {
            String took = String.format(Locale.ROOT, "%.1fs", seconds);
            String what = switch (action == null ? "" : action) {
                case "unchanged" -> "unchanged (nothing to build)";
                case "built" -> "built " + image + " in " + took + " (not deployed)";
                case "created", "updated" -> action + " " + image + (built ? " (built in " + took + ")" : "");
                default -> action + " " + image;
            };
            return function + ": " + what + (action != null && action.equals("built") ? "" : "  " + url);
        }
    }

    private final Session session;

    Release(Session session) {
        this.session = session;
    }

    /** Built from its handler when it has one, else only deployed from its image. */
    Result up(FunctionSpec f) {
        return f.isBuiltFromSource() ? build(f, true) : deploy(f);
    }

    Result build(FunctionSpec f, boolean deploy) {
        if (f.handler() == null) {
            throw CliFailure.usage(f.name() + " has no handler to build: set handler: (the directory of its code)");
        }
        if (f.lang() == null) {
            throw CliFailure.usage(f.name() + " has no lang: use lang: dockerfile for a directory with a "
                    + "Dockerfile, or a template (faas new --list shows them)");
        }
        BuildContext context = ContextPacker.directory(f.handler(),
                skipped -> session.err().println("warning: " + f.name() + ": not sent: " + skipped));
        return send(f, f.templateOrNull(), deploy, context);
    }

    Result send(FunctionSpec f, String template, boolean deploy, BuildContext context) {
        Builder builder = new Builder(session.gatewayClient(), BuildReporter.forStderr(session.err(),
                session.verbose()));
        BuildEvent.Done done = builder.build(f, template, deploy, context);
        String name = done.function() == null ? f.name() : done.function();
        return new Result(name, done.image(), done.built(), done.action(), done.seconds(), session.functionUrl(name));
    }

    Result deploy(FunctionSpec f) {
        long started = System.nanoTime();
        String action = new Deployer(session.gatewayClient()).deploy(f);
        return new Result(f.name(), f.image(), false, action, (System.nanoTime() - started) / 1e9,
                session.functionUrl(f.name()));
    }

    /**
     * Does {@code step} for each function in turn, stopping at the first failure; says what each did as it goes
     * (or, with --json, one array at the end, of those that got through when one failed).
     */
    void each(List<FunctionSpec> functions, Function<FunctionSpec, Result> step) {
        List<Map<String, Object>> done = new ArrayList<>();
        try {
            for (FunctionSpec f : functions) {
                Result r = step.apply(f);
                if (session.json()) {
                    done.add(r.json());
                } else {
                    session.out().println(r.line());
                    session.out().flush();
                }
            }
        } finally {
            if (session.json()) {
                session.out().println(Json.pretty(done));
                session.out().flush();
            }
        }
    }
}
