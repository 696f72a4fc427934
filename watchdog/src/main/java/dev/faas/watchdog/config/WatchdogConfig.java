package dev.faas.watchdog.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every setting of the watchdog, read once from the environment, with its default. The names are the classic
 * watchdog's, {@code mode} and {@code upstream_url} of-watchdog's; {@code max_body_size}, {@code bind_address} and
 * lambda mode's {@code lambda_*} and {@code function_name} are ours, the {@code AWS_*} and {@code LAMBDA_TASK_ROOT}
 * ones Lambda's (see {@link Lambda}).
 *
 * @param mode           fork (default; also "serializing"), streaming, http or lambda
 * @param command        fprocess split on whitespace (no shell): the program and its arguments; in lambda mode it
 *                       defaults to $LAMBDA_TASK_ROOT/bootstrap when that exists, else /var/runtime/bootstrap
 * @param upstreamUrl    http mode: where the warm process listens, e.g. http://127.0.0.1:5000 (null otherwise)
 * @param readTimeout    time allowed to read a request, headers and body (0 = none)
 * @param writeTimeout   time allowed from the end of the request to the end of the response, so it also bounds the
 *                       process; and how long SIGTERM waits for in-flight requests (0 = none)
 * @param execTimeout    time the process may run before its whole tree is killed (0 = only write_timeout applies)
 * @param maxInflight    calls served at once, more are answered 429; 0 = unlimited (lambda mode's default: 64 per
 *                       runtime, which bounds its queue)
 * @param maxBodySize    largest request body in bytes, 0 = unlimited (64m; lambda mode: Lambda's 6m, for the
 *                       runtime's answer too)
 * @param logCalls       fork mode: the classic watchdog's two lines per call ("Forking fprocess.", "Wrote N Bytes")
 * @param spawn          fork and streaming modes: how a process is started, posix (glibc's posix_spawn, the default;
 *                       the JDK's way where the C library lacks it) or jdk (java.lang.ProcessBuilder)
 * @param metricsPort    where /metrics is served (of-watchdog's MetricsPort, fixed at 8081 there), 0 = a free port
 * @param lockFile       $TMPDIR/.lock, present exactly while the watchdog is healthy
 * @param lambda         lambda mode's own settings (null in the other modes)
 */
public record WatchdogConfig(
        Mode mode,
        List<String> command,
        URI upstreamUrl,
        Duration readTimeout,
        Duration writeTimeout,
        Duration execTimeout,
        boolean writeDebug,
        boolean combineOutput,
        String contentType,
        boolean cgiHeaders,
        boolean marshalRequest,
        boolean suppressLock,
        String bindAddress,
        int port,
        int maxInflight,
        long maxBodySize,
        boolean logCalls,
        Spawn spawn,
        int metricsPort,
        Path lockFile,
        Lambda lambda) {

    public WatchdogConfig {
        command = List.copyOf(command);
    }

    public static WatchdogConfig fromEnvironment(Map<String, String> env) {
        Reader r = new Reader(env);
        Mode mode = Mode.parse(r.text("mode", ""));
        Lambda lambda = mode == Mode.LAMBDA ? r.lambda() : null;
        String fprocess = r.text("fprocess", r.text("function_process", "")).trim();
        if (fprocess.isEmpty() && lambda != null) {
            fprocess = lambda.defaultBootstrap().toString();
        }
        if (fprocess.isEmpty()) {
            throw new ConfigException("fprocess is not set: set it to the command to run per request, e.g. fprocess=cat");
        }
        return new WatchdogConfig(
                mode,
                Arrays.asList(fprocess.split("\\s+")),
                mode == Mode.HTTP ? r.upstream() : null,
                r.duration("read_timeout", "5s"),
                r.duration("write_timeout", "5s"),
                r.duration("exec_timeout", "0"),
                r.bool("write_debug", false),
                r.bool("combine_output", true),
                r.text("content_type", ""),
                r.bool("cgi_headers", true),
                r.bool("marshal_request", false),
                r.bool("suppress_lock", false),
                r.text("bind_address", "0.0.0.0"),
                r.integer("port", 8080, 0, 65535),
                r.integer("max_inflight", lambda == null ? 0 : Lambda.INFLIGHT_PER_RUNTIME * lambda.runtimes(), 0,
                        Integer.MAX_VALUE),
                r.size("max_body_size", lambda == null ? "64m" : Lambda.MAX_BODY),
                r.bool("log_calls", true),
                Spawn.parse(r.text("spawn", "posix")),
                r.integer("metrics_port", 8081, 0, 65535),
                Path.of(r.text("TMPDIR", "/tmp"), ".lock"),
                lambda);
    }

    /** The limit on one process run, or null when there is none; the smaller of exec_timeout and write_timeout. */
    public Limit processLimit() {
        Limit exec = execTimeout.isZero() ? null : new Limit("exec_timeout", execTimeout);
        Limit write = writeTimeout.isZero() ? null : new Limit("write_timeout", writeTimeout);
        if (exec == null) {
            return write;
        }
        return write == null || exec.duration().compareTo(write.duration()) <= 0 ? exec : write;
    }

    /** How requests reach the function. */
    public enum Mode {
        /** A process per request, its whole output buffered: the status reflects the exit status. */
        FORK,
        /** A process per request, its output streamed to the caller as it comes. */
        STREAMING,
        /** One warm process serving HTTP on upstream_url; every request is proxied to it. */
        HTTP,
        /** Warm AWS Lambda runtimes (bootstrap, a runtime interface client) served the Lambda Runtime API. */
        LAMBDA;

        static Mode parse(String raw) {
            switch (raw.trim().toLowerCase(Locale.ROOT)) {
                case "": case "fork": case "serializing": return FORK;
                case "streaming": return STREAMING;
                case "http": return HTTP;
                case "lambda": return LAMBDA;
                default: throw new ConfigException("mode must be fork, streaming, http or lambda (got '" + raw + "')");
            }
        }
    }

    /** How fork and streaming modes start a process. */
    public enum Spawn {
        POSIX, JDK;

        static Spawn parse(String raw) {
            switch (raw.trim().toLowerCase(Locale.ROOT)) {
                case "": case "posix": return POSIX;
                case "jdk": return JDK;
                default: throw new ConfigException("spawn must be posix or jdk (got '" + raw + "')");
            }
        }
    }

    /**
     * mode=lambda's settings. The AWS names are the environment Lambda gives a runtime; where one is set it is also
     * passed on to the runtime unchanged.
     *
     * @param taskRoot     LAMBDA_TASK_ROOT (/var/task): the function's code, the runtime's working directory
     * @param runtimePort  lambda_runtime_port (9001): runtime i is served the Runtime API on 127.0.0.1:port+i;
     *                     0 = free ports (tests)
     * @param runtimes     lambda_runtimes (1): runtime processes per replica, sharing one queue of invocations
     * @param event        lambda_event: what a plain HTTP call becomes for the function
     * @param functionName AWS_LAMBDA_FUNCTION_NAME, else function_name, else the hostname
     * @param memoryMb     AWS_LAMBDA_FUNCTION_MEMORY_SIZE; 0 = unset, read from the cgroup at start
     * @param region       AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1 (the ARN's region)
     * @param initTimeout  lambda_init_timeout (10s, Lambda's limit on its init phase): a runtime that has not asked
     *                     for its first invocation after this long is taken as stuck once a call times out waiting
     *                     for it; a shorter wait is a slow start, which is left to finish
     */
    public record Lambda(Path taskRoot, int runtimePort, int runtimes, Event event, String functionName, int memoryMb,
                         String region, Duration initTimeout) {
        /** max_inflight's default is this many calls per runtime: the one running and those queued for it. */
        static final int INFLIGHT_PER_RUNTIME = 64;
        /** max_body_size's default: Lambda's limit on a synchronous payload and answer. */
        static final String MAX_BODY = "6m";
        /** $LAMBDA_TASK_ROOT/bootstrap when it exists (a custom runtime), else /var/runtime/bootstrap (Lambda's). */
        Path defaultBootstrap() {
            Path own = taskRoot.resolve("bootstrap");
            return Files.exists(own) ? own : Path.of("/var/runtime/bootstrap");
        }
    }

    /** What a call on a function path (not the direct Invoke path) becomes for the function. */
    public enum Event {
        /** The HTTP body, verbatim. */
        BODY,
        /** An API Gateway HTTP API (payload 2.0) event; an answer with a statusCode is unwrapped. */
        HTTP;

        static Event parse(String raw) {
            switch (raw.trim().toLowerCase(Locale.ROOT)) {
                case "": case "body": return BODY;
                case "http": return HTTP;
                default: throw new ConfigException("lambda_event must be body (the HTTP body is the event) or http"
                        + " (an API Gateway HTTP API event) (got '" + raw + "')");
            }
        }
    }

    /** A named time limit, so a 504 can say which setting to raise. */
    public record Limit(String setting, Duration duration) {
        public String describe() {
            return setting + " of " + Durations.format(duration);
        }
    }

    private static final class Reader {
        private final Map<String, String> env;

        Reader(Map<String, String> env) {
            this.env = env;
        }

        String text(String name, String fallback) {
            String v = env.get(name);
            return v == null ? fallback : v;
        }

        Duration duration(String name, String fallback) {
            return Durations.parse(name, nonBlank(name, fallback));
        }

        boolean bool(String name, boolean fallback) {
            String v = env.get(name);
            if (v == null || v.isBlank()) {
                return fallback;
            }
            switch (v.trim().toLowerCase(Locale.ROOT)) {
                case "true": case "1": case "yes": return true;
                case "false": case "0": case "no": return false;
                default: throw new ConfigException(name + " must be true or false (got '" + v + "')");
            }
        }

        int integer(String name, int fallback, int min, int max) {
            String v = nonBlank(name, Integer.toString(fallback)).trim();
            try {
                int n = Integer.parseInt(v);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
            throw new ConfigException(name + " must be a whole number from " + min + " to " + max + " (got '" + v + "')");
        }

        /** Bytes, with an optional k/m/g suffix (powers of 1024). */
        long size(String name, String fallback) {
            String v = nonBlank(name, fallback).trim().toLowerCase(Locale.ROOT);
            long unit = 1;
            String digits = v;
            if (!v.isEmpty() && "kmg".indexOf(v.charAt(v.length() - 1)) >= 0) {
                unit = 1L << (10 * ("kmg".indexOf(v.charAt(v.length() - 1)) + 1));
                digits = v.substring(0, v.length() - 1);
            }
            try {
                long n = Long.parseLong(digits);
                if (n >= 0 && n <= Long.MAX_VALUE / unit) {
                    return n * unit;
                }
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
            throw new ConfigException(name + " must be a size in bytes like 1048576, 512k, 64m or 0 for no limit (got '"
                    + env.get(name) + "')");
        }

        /** upstream_url (or of-watchdog's http_upstream_url): an http:// URL with a host and a port. */
        URI upstream() {
            String raw = text("upstream_url", text("http_upstream_url", "")).trim();
            if (raw.isEmpty()) {
                throw new ConfigException("mode=http needs upstream_url, where fprocess listens, e.g. http://127.0.0.1:5000");
            }
            try {
                URI uri = new URI(raw);
                if ("http".equals(uri.getScheme()) && uri.getHost() != null && uri.getPort() > 0
                        && (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
                        && uri.getRawQuery() == null) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // falls through to the message below
            }
            throw new ConfigException("upstream_url must be http://host:port, e.g. http://127.0.0.1:5000 (got '" + raw + "')");
        }

        /** mode=lambda's settings; the runtime ports must all fit below 65536. */
        Lambda lambda() {
            int runtimes = integer("lambda_runtimes", 1, 1, 64);
            int port = integer("lambda_runtime_port", 9001, 0, 65535);
            if (port > 0 && port + runtimes - 1 > 65535) {
                throw new ConfigException("lambda_runtime_port + lambda_runtimes - 1 must be at most 65535 (got "
                        + port + " and " + runtimes + "); runtime i listens on lambda_runtime_port + i");
            }
            String name = nonBlank("AWS_LAMBDA_FUNCTION_NAME", nonBlank("function_name", hostname())).trim();
            String region = nonBlank("AWS_REGION", nonBlank("AWS_DEFAULT_REGION", "us-east-1")).trim();
            int memory = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE") == null
                    || env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").isBlank()
                    ? 0 : integer("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", 128, 1, 1 << 20);
            return new Lambda(Path.of(nonBlank("LAMBDA_TASK_ROOT", "/var/task")), port, runtimes,
                    Event.parse(text("lambda_event", "")), name, memory, region,
                    duration("lambda_init_timeout", "10s"));
        }

        /** HOSTNAME (Docker sets it to the container's id), else /etc/hostname: no name lookup at start. */
        private String hostname() {
            String host = env.get("HOSTNAME");
            if (host != null && !host.isBlank()) {
                return host.trim();
            }
            try {
                String file = Files.readString(Path.of("/etc/hostname")).trim();
                return file.isEmpty() ? "function" : file;
            } catch (IOException | RuntimeException e) {
                return "function";
            }
        }

        private String nonBlank(String name, String fallback) {
            String v = env.get(name);
            return v == null || v.isBlank() ? fallback : v;
        }
    }
}
