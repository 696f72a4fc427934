package dev.faas.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.cli.CliFailure;
import dev.faas.cli.Session;
import dev.faas.cli.gateway.GatewayClient;
import dev.faas.cli.output.Json;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The gateway's secrets (/system/secrets), which functions mount at /var/openfaas/secrets/NAME. */
@Command(name = "secret", description = "Create, list and remove secrets functions can mount.",
        subcommands = {SecretCommand.Create.class, SecretCommand.ListSecrets.class, SecretCommand.Remove.class})
public final class SecretCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "say which: faas secret create|list|remove");
    }

    @Command(name = "create", description = {"Create a secret from --from-literal, --from-file, or stdin "
            + "(one trailing newline dropped).", "Swarm secrets cannot change: remove and create to replace one."})
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        static final class Source {
            @Option(names = "--from-literal", paramLabel = "VALUE", description = "The value itself (visible in ps).")
            String literal;

            @Option(names = "--from-file", paramLabel = "FILE", description = "The file's bytes, exactly.")
            Path file;
        }

        @ArgGroup(exclusive = true, multiplicity = "0..1")
        Source source;

        @Override
        public Integer call() throws IOException {
            Session session = Session.of(spec);
            Map<String, String> body = new LinkedHashMap<>();
            body.put("name", name);
            if (source != null && source.literal != null) {
                body.put("value", source.literal);
            } else {
                byte[] bytes = source != null ? readFile(source.file) : withoutTrailingNewline(System.in.readAllBytes());
                if (bytes.length == 0) {
                    throw CliFailure.usage("the secret " + name + " would be empty: give --from-literal, "
                            + "--from-file, or the value on stdin");
                }
                // rawValue: base64, so a file's bytes arrive exactly, whatever they are.
                body.put("rawValue", Base64.getEncoder().encodeToString(bytes));
            }
            GatewayClient gateway = session.gatewayClient();
            HttpResponse<byte[]> r = gateway.send(gateway.system("/system/secrets")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.compact(body))).build());
            if (r.statusCode() == 409) {
                throw CliFailure.callFailed("the secret " + name + " exists (secrets cannot change): remove it "
                        + "first (faas secret remove " + name + "), or create one with a new name");
            }
            if (r.statusCode() / 100 != 2) {
                throw gateway.refusal("secret create " + name, r.statusCode(), r.body());
            }
            session.out().println("secret " + name + " created");
            session.out().flush();
            return 0;
        }

        private static byte[] readFile(Path file) {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw CliFailure.usage("cannot read " + file + ": " + e.getMessage());
            }
        }

        static byte[] withoutTrailingNewline(byte[] bytes) {
            int n = bytes.length;
            if (n > 0 && bytes[n - 1] == '\n') {
                n--;
                if (n > 0 && bytes[n - 1] == '\r') {
                    n--;
                }
            }
            return Arrays.copyOf(bytes, n);
        }
    }

    @Command(name = "list", aliases = "ls", description = "List the secrets' names (never their values).")
    static final class ListSecrets implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Session session = Session.of(spec);
            GatewayClient gateway = session.gatewayClient();
            JsonNode secrets = gateway.systemJson(gateway.system("/system/secrets").GET().build(), "secret list");
            if (session.json()) {
                session.out().println(Json.pretty(secrets));
            } else {
                List<String> names = new ArrayList<>();
                if (secrets != null) {
                    secrets.forEach(s -> names.add(s.path("name").asText()));
                }
                names.stream().sorted().forEach(session.out()::println);
            }
            session.out().flush();
            return 0;
        }
    }

    @Command(name = "remove", aliases = "rm", description = "Remove secrets (refused while a function uses one).")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "NAME")
        List<String> names;

        @Override
        public Integer call() {
            Session session = Session.of(spec);
            GatewayClient gateway = session.gatewayClient();
            for (String name : names) {
                HttpResponse<byte[]> r = gateway.send(gateway.system("/system/secrets")
                        .header("Content-Type", "application/json")
                        .method("DELETE", HttpRequest.BodyPublishers.ofString(Json.compact(Map.of("name", name))))
                        .build());
                if (r.statusCode() == 404) {
                    throw CliFailure.callFailed("no secret " + name + " on " + gateway.base());
                }
                if (r.statusCode() / 100 != 2) {
                    throw gateway.refusal("secret remove " + name, r.statusCode(), r.body());
                }
                session.out().println("secret " + name + " removed");
                session.out().flush();
            }
            return 0;
        }
    }
}
