package dev.faas.watchdog.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every setting of the watchdog, read once from the environment, with its default. The names are the classic
 * watchdog's, {@code mode} and {@code upstream_url} of-watchdog's; {@code max_body_size} and {@code bind_address} are
 * ours.
 *
 * @param mode           fork (default; also "serializing"), streaming, or http
 * @param command        fprocess split on whitespace (no shell): the program and its arguments
 * @param upstreamUrl    http mode: where the warm process listens, e.g. http://127.0.0.1:5000 (null otherwise)
 * @param readTimeout    time allowed to read a request, headers and body (0 = none)
 * @param writeTimeout   time allowed from the end of the request to the end of the response, so it also bounds the
 *                       process; and how long SIGTERM waits for in-flight requests (0 = none)
 * @param execTimeout    time the process may run before its whole tree is killed (0 = only write_timeout applies)
 * @param maxBodySize    largest request body in bytes, 0 = unlimited
 * @param logCalls       fork mode: the classic watchdog's two lines per call ("Forking fprocess.", "Wrote N Bytes")
 * @param metricsPort    where /metrics is served (of-watchdog's MetricsPort, fixed at 8081 there), 0 = a free port
 * @param lockFile       $TMPDIR/.lock, present exactly while the watchdog is healthy
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
        int metricsPort,
        Path lockFile) {

    public WatchdogConfig {
        command = List.copyOf(command);
    }

    public static WatchdogConfig fromEnvironment(Map<String, String> env) {
        Reader r = new Reader(env);
        String fprocess = r.text("fprocess", r.text("function_process", "")).trim();
        if (fprocess.isEmpty()) {
            throw new ConfigException("fprocess is not set: set it to the command to run per request, e.g. fprocess=cat");
        }
        Mode mode = Mode.parse(r.text("mode", ""));
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
                r.integer("max_inflight", 0, 0, Integer.MAX_VALUE),
                r.size("max_body_size", "64m"),
                r.bool("log_calls", true),
                r.integer("metrics_port", 8081, 0, 65535),
                Path.of(r.text("TMPDIR", "/tmp"), ".lock"));
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
        HTTP;

        static Mode parse(String raw) {
            switch (raw.trim().toLowerCase(Locale.ROOT)) {
                case "": case "fork": case "serializing": return FORK;
                case "streaming": return STREAMING;
                case "http": return HTTP;
                default: throw new ConfigException("mode must be fork, streaming or http (got '" + raw + "')");
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

        private String nonBlank(String name, String fallback) {
            String v = env.get(name);
            return v == null || v.isBlank() ? fallback : v;
        }
    }
}
