package dev.faas.gateway.lambda;

import dev.faas.common.Durations;
import dev.faas.gateway.provider.Function;
import dev.faas.gateway.provider.FunctionStatus;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.ManagementException.Reason;
import dev.faas.gateway.provider.Quantities;
import io.undertow.server.HttpServerExchange;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ListFunctions ({@code GET /2015-03-31/functions/}), GetFunction ({@code GET /2015-03-31/functions/{name}}) and
 * GetFunctionConfiguration (its {@code /configuration}): every
 * function of the gateway as Lambda describes one, read from the orchestrator (the static provider's functions from
 * the registry, with less to say). Runtime {@code provided.al2}, PackageType Image, Version $LATEST, State Active
 * (a function at zero replicas starts on its next call); Timeout from its exec_timeout (else Lambda's 3 s), MemorySize
 * from its memory limit (else Lambda's 128 MB), Handler from its {@code _HANDLER} (else {@code bootstrap}). Nothing else
 * of its environment is shown, not even its fprocess: environment variables often hold secrets, and a caller with an
 * access key is not the admin. Neither are the orchestrator's words when it fails: the answer names the request, the
 * gateway's log has the details.
 */
final class Listings {
    private static final Logger LOG = LoggerFactory.getLogger(Listings.class);
    static final int PAGE = 50;
    private static final DateTimeFormatter LAST_MODIFIED = DateTimeFormatter.ofPattern(
            "yyyy-MM-dd'T'HH:mm:ss.SSSZ", Locale.ROOT);

    private final FunctionRef.Place place;
    private final LambdaDoor.Core core;

    Listings(FunctionRef.Place place, LambdaDoor.Core core) {
        this.place = place;
        this.core = core;
    }

    /** The function a reference names, $LATEST only; else Lambda's 404 (a 500 while the gateway has not read them). */
    static Function resolve(FunctionRef ref, FunctionRef.Place place, LambdaDoor.Core core) throws LambdaError {
        Function f = core.find().apply(ref.name());
        if (f == null) {
            if (!core.functionsKnown().getAsBoolean()) {
                throw LambdaError.service("the gateway is starting and has not read the functions yet: send it again"
                        + " shortly");
            }
            throw LambdaError.notFound(ref.arn(place));
        }
        if (!ref.isLatest()) {
            throw LambdaError.notFound(new FunctionRef(f.name(), ref.qualifier()).arn(place)
                    + " (this gateway has no versions or aliases: use $LATEST or no qualifier)");
        }
        return f;
    }

    void list(HttpServerExchange exchange, String requestId, byte[] body) throws LambdaError {
        int max = maxItems(Invocations.query(exchange, "MaxItems"));
        String marker = Invocations.query(exchange, "Marker");
        List<Map<String, Object>> all = new ArrayList<>();
        for (Described d : described(requestId)) {
            all.add(d.configuration());
        }
        all.sort(Comparator.comparing(c -> (String) c.get("FunctionName")));
        List<Map<String, Object>> page = new ArrayList<>();
        for (Map<String, Object> c : all) {
            if (marker != null && !marker.isEmpty() && ((String) c.get("FunctionName")).compareTo(marker) <= 0) {
                continue;
            }
            page.add(c);
            if (page.size() == max) {
                break;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Functions", page);
        String last = page.isEmpty() ? null : (String) page.get(page.size() - 1).get("FunctionName");
        if (last != null && !last.equals(all.get(all.size() - 1).get("FunctionName"))) {
            m.put("NextMarker", last);
        }
        Replies.json(exchange, 200, requestId, m);
    }

    void get(HttpServerExchange exchange, String requestId, byte[] body) throws LambdaError {
        Described d = describe(exchange, requestId);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Configuration", d.configuration());
        Map<String, Object> code = new LinkedHashMap<>();
        code.put("RepositoryType", "ECR");
        code.put("ImageUri", d.image());
        m.put("Code", code);
        Replies.json(exchange, 200, requestId, m);
    }

    /** GetFunctionConfiguration ({@code GET /2015-03-31/functions/{name}/configuration}): GetFunction's Configuration. */
    void getConfiguration(HttpServerExchange exchange, String requestId, byte[] body) throws LambdaError {
        Replies.json(exchange, 200, requestId, describe(exchange, requestId).configuration());
    }

    /** The function the path names. */
    private Described describe(HttpServerExchange exchange, String requestId) throws LambdaError {
        FunctionRef ref = FunctionRef.parse(Replies.parameter(exchange, "FunctionName"),
                Invocations.query(exchange, "Qualifier"), place);
        Function f = resolve(ref, place, core);
        try {
            return of(core.manager().get(f.name()));
        } catch (ManagementException e) {
            if (e.reason() == Reason.NOT_FOUND) {
                throw LambdaError.notFound(ref.arn(place));
            }
            if (e.reason() != Reason.UNSUPPORTED) {
                throw failed(e, requestId);
            }
            return of(f);
        }
    }

    /** A function as Lambda describes it, and its image. */
    record Described(Map<String, Object> configuration, String image) {}

    private List<Described> described(String requestId) throws LambdaError {
        List<Described> out = new ArrayList<>();
        try {
            for (FunctionStatus s : core.manager().list()) {
                out.add(of(s));
            }
        } catch (ManagementException e) {
            if (e.reason() != Reason.UNSUPPORTED) {
                throw failed(e, requestId);
            }
            for (Function f : core.all().get()) {
                out.add(of(f));
            }
        }
        return out;
    }

    Described of(FunctionStatus s) {
        Map<String, String> env = s.envVars() == null ? Map.of() : s.envVars();
        String handler = env.getOrDefault("_HANDLER", "");
        Long memory = null;
        if (s.limits() != null && s.limits().memory() != null) {
            try {
                memory = Quantities.memoryBytes(s.limits().memory()) >> 20;
            } catch (IllegalArgumentException e) {
                memory = null;
            }
        }
        return new Described(configuration(s.name(), handler.isBlank() ? "bootstrap" : handler,
                timeoutSeconds(env.get("exec_timeout")), memory == null ? 128 : memory, lastModified(s.createdAt())),
                s.image());
    }

    Described of(Function f) {
        return new Described(configuration(f.name(), "bootstrap", 3, 128, null), "");
    }

    private Map<String, Object> configuration(String name, String handler, long timeout, long memoryMb,
                                              String lastModified) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("FunctionName", name);
        c.put("FunctionArn", place.arn(name));
        c.put("Runtime", "provided.al2");
        c.put("Handler", handler);
        c.put("CodeSize", 0);
        c.put("Description", "");
        c.put("Timeout", timeout);
        c.put("MemorySize", memoryMb);
        if (lastModified != null) {
            c.put("LastModified", lastModified);
        }
        c.put("Version", FunctionRef.LATEST);
        c.put("PackageType", "Image");
        c.put("State", "Active");
        c.put("LastUpdateStatus", "Successful");
        return c;
    }

    /** exec_timeout in whole seconds (rounded up), else Lambda's default of 3. */
    static long timeoutSeconds(String execTimeout) {
        if (execTimeout == null || execTimeout.isBlank()) {
            return 3;
        }
        try {
            Duration d = Durations.parse(execTimeout);
            if (d.isZero()) {
                return 3;
            }
            return (d.toMillis() + 999) / 1000;
        } catch (IllegalArgumentException e) {
            return 3;
        }
    }

    /** RFC 3339 as the provider reports it, as Lambda writes it: 2024-01-02T03:04:05.000+0000. */
    static String lastModified(String createdAt) {
        if (createdAt == null || createdAt.isBlank()) {
            return null;
        }
        try {
            return LAST_MODIFIED.format(OffsetDateTime.parse(createdAt).withOffsetSameInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static int maxItems(String text) throws LambdaError {
        if (text == null || text.isEmpty()) {
            return PAGE;
        }
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= 1 && n <= 10_000) {
                return Math.min(n, PAGE);
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw LambdaError.validation("1 validation error detected: Value '" + Replies.printable(text) + "' at"
                + " 'maxItems' failed to satisfy constraint: Member must be a number from 1 to 10000");
    }

    /** The orchestrator failed: its words go to the log, the caller gets the request id. */
    private static LambdaError failed(ManagementException e, String requestId) {
        LOG.warn("event=lambda_management_failed request={} reason={} problem=\"{}\"", requestId, e.reason(),
                e.getMessage());
        boolean away = e.reason() == Reason.UNAVAILABLE || e.reason() == Reason.TIMED_OUT;
        String message = (away ? "the functions cannot be read now: send it again shortly"
                : "the functions could not be read") + " (request " + requestId + "; the gateway's log has the details)";
        return away ? LambdaError.unavailable(message) : LambdaError.service(message);
    }
}
