package dev.faas.cli.build;

import dev.faas.cli.CliFailure;
import dev.faas.cli.Exit;
import dev.faas.cli.gateway.FunctionJson;
import dev.faas.cli.gateway.GatewayClient;
import dev.faas.cli.output.Terminal;
import dev.faas.cli.stack.FunctionSpec;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The gateway's builder: {@code POST /system/builds} with the packed context, read as the NDJSON stream of its
 * events until the one result line. Only our gateway has it; an OpenFaaS gateway answers 404, which says so.
 */
public final class Builder {
    private final GatewayClient gateway;
    private final BuildReporter reporter;

    public Builder(GatewayClient gateway, BuildReporter reporter) {
        this.gateway = gateway;
        this.reporter = reporter;
    }

    /**
     * @param template the template the files go into, or null when the context is the whole image (a Dockerfile
     *                 directory, or an upload's zip)
     * @param deploy   false to build the image only
     * @return the result line; a failed build is a {@link CliFailure} with exit code 5 and the log's end
     */
    public BuildEvent.Done build(FunctionSpec function, String template, boolean deploy, BuildContext context) {
        String name = function.name();
        StringBuilder query = new StringBuilder("/system/builds?name=").append(encoded(name));
        if (template != null) {
            query.append("&lang=").append(encoded(template));
        }
        if (!deploy) {
            query.append("&deploy=false");
        }
        long total = context.bytes().length;
        HttpRequest request = gateway.system(query.toString())
                .header("Content-Type", context.contentType())
                .header("Accept", "application/x-ndjson")
                .header("X-Function-Config", FunctionJson.buildConfigHeader(function))
                .POST(ProgressBody.of(context.bytes(), sent -> reporter.uploaded(name, sent, total)))
                .build();
        HttpResponse<Stream<String>> response = gateway.send(request, HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() != 200) {
                String body = lines.collect(Collectors.joining("\n"));
                throw refused(name, response.statusCode(), body.getBytes(StandardCharsets.UTF_8), total);
            }
            return result(name, lines.iterator());
        } catch (java.io.UncheckedIOException e) {
            throw CliFailure.callFailed(name + ": the build's answer broke off (" + e.getCause().getMessage()
                    + "): the gateway's log says why; faas describe " + name + " shows what runs");
        }
    }

    private BuildEvent.Done result(String name, Iterator<String> lines) {
        while (lines.hasNext()) {
            Optional<BuildEvent> parsed = BuildEvents.parse(lines.next());
            if (parsed.isEmpty()) {
                continue;
            }
            BuildEvent event = parsed.get();
            if (event instanceof BuildEvent.Done done) {
                return done;
            }
            if (event instanceof BuildEvent.Failed failed) {
                throw failedBuild(name, failed);
            }
            reporter.event(name, event);
        }
        throw CliFailure.callFailed(name + ": the build's answer ended without a result: the gateway's log says "
                + "why; faas describe " + name + " shows what runs");
    }

    static CliFailure failedBuild(String name, BuildEvent.Failed failed) {
        StringBuilder message = new StringBuilder(name + ": the build failed");
        if (failed.status() != 0) {
            message.append(" (").append(failed.status()).append(')');
        }
        if (!failed.error().isBlank()) {
            message.append(": ").append(failed.error());
        }
        if (!failed.logTail().isBlank()) {
            message.append("\n--- the end of the build's log ---\n").append(failed.logTail().stripTrailing())
                    .append("\n---");
        }
        message.append("\nnothing was deployed: what ran before, if anything, still runs.");
        return new CliFailure(Exit.BUILD_FAILED, message.toString());
    }

    /** The builder's answers before any stream: each says what to do next. */
    private CliFailure refused(String name, int status, byte[] body, long size) {
        String words = GatewayClient.errorText(body);
        String theirs = words.isEmpty() ? "" : " (" + words + ")";
        return switch (status) {
            case 404 -> CliFailure.callFailed("this gateway has no builder (an OpenFaaS gateway?): build the image "
                    + "yourself and use faas deploy" + theirs);
            case 409 -> CliFailure.callFailed(name + ": a build of this function already runs on " + gateway.base()
                    + ": wait for it to finish, then run this again" + theirs);
            case 413 -> CliFailure.callFailed(name + ": the build context (" + Terminal.bytes(size) + " packed) is "
                    + "over the gateway's limit" + theirs + ": leave files out with a .faasignore in the handler "
                    + "directory");
            case 422 -> new CliFailure(Exit.BUILD_FAILED, name + ": the build failed" + theirs);
            case 400 -> CliFailure.callFailed(name + ": the gateway refused the build: " + words);
            default -> gateway.refusal(name + ": build", status, body);
        };
    }

    private static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
