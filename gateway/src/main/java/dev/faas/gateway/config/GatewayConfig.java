package dev.faas.gateway.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Every setting of the gateway, read once from the environment (OpenFaaS-style lower-case names).
 * Add new settings here, with their default, and nowhere else.
 *
 * @param port              HTTP port for functions, /system, /metrics and /healthz ({@code port}, 8080)
 * @param ioThreads         Undertow IO threads ({@code io_threads}, one per core)
 * @param readTimeout       idle time allowed while reading a request ({@code read_timeout}, 65s)
 * @param headTimeout       longest a request's head (request line and headers) may take to arrive from its first
 *                          byte; past it the connection is closed ({@code head_timeout}, 10s)
 * @param maxConnections    open client connections at most; at this many the gateway stops accepting until a tenth
 *                          of them have closed (the kernel queues the rest) ({@code max_connections}, 10000)
 * @param writeTimeout      idle time allowed while writing a response ({@code write_timeout}, 65s)
 * @param upstreamTimeout   longest a function call may take before 504 ({@code upstream_timeout}, 60s)
 * @param upstreamConnectTimeout longest wait for a new connection to a replica; past it the replica is marked as a
 *                          problem and the call goes to another one ({@code upstream_connect_timeout}, 2s)
 * @param maxBody           largest request body in bytes before 413 ({@code max_body}, 10m)
 * @param requestBuffer     a function call's body of at most this many bytes is read whole before the call takes a
 *                          connection to a replica, so a slow or stalled sender holds none; a larger body streams
 *                          ({@code request_buffer}, 64k; 0 streams every body)
 * @param bodyTimeout       longest a request body may take to arrive whole, from the end of its head; past it the
 *                          caller gets 408 and the connection is closed (a function already receiving the body sees
 *                          it cut off). Capped at upstream_timeout and read_timeout, which would otherwise end such
 *                          a call first, as a 504 or a silent close ({@code body_timeout}, 30s)
 * @param provider          where functions come from: {@code swarm} or {@code static} ({@code provider}, swarm)
 * @param functionsNetwork  overlay network whose task addresses are used; {@code <stack>_<name>} also matches
 *                          ({@code functions_network}, functions)
 * @param functionPort      port the watchdog listens on in every replica ({@code function_port}, 8080)
 * @param staticFunctions   for {@code provider=static}: {@code name=http://h:p,http://h2:p;other=...}
 *                          ({@code static_functions}, empty)
 * @param resyncInterval    full re-read of Swarm state, a safety net behind the event stream ({@code resync_interval}, 5s)
 * @param dockerTimeout     longest wait for one Docker API call ({@code docker_timeout}, 5s)
 * @param imagePullTimeout  longest a deploy or update may take to pull a registry's image onto the manager; past it
 *                          the call is a 503 and nothing is created or changed ({@code image_pull_timeout}, 2m)
 * @param upstreamConnections keep-alive connections per replica and IO thread ({@code upstream_connections}, 32)
 * @param upstreamQueue     requests that may wait for a free upstream connection before 503 ({@code upstream_queue}, 1000)
 * @param functionNamespace the one namespace reported by /system/namespaces and accepted besides ""
 *                          ({@code function_namespace}, openfaas-fn: what OpenFaaS clients and scripts send)
 * @param basicAuth         protect every /system route with basic auth ({@code basic_auth}, false)
 * @param secretMountPath   where the files basic-auth-user and basic-auth-password are ({@code secret_mount_path},
 *                          /run/secrets: Docker secrets)
 * @param ownContainer      this gateway's container id, which Docker sets as the hostname ({@code HOSTNAME}, empty
 *                          outside a container): its stack's functions network is preferred
 * @param maxReplicas       ceiling for any function's replicas: deploy labels, scale requests and alerts
 *                          ({@code max_replicas}, 100); a label above it is refused with 400
 * @param scaleFromZero     a call to a function with no ready replica is held and, at zero replicas, the function
 *                          is scaled up; off, such a call gets 503 at once ({@code scale_from_zero}, true)
 * @param scaleFromZeroTimeout longest a call is held for a replica to start before 504 ({@code
 *                          scale_from_zero_timeout}, 30s)
 * @param scaleFromZeroQueue calls that may be held per function; more get 503 ({@code scale_from_zero_queue}, 1000)
 * @param scaleZeroDuration idle time after which a function labelled com.openfaas.scale.zero=true goes to zero,
 *                          unless its com.openfaas.scale.zero-duration says otherwise ({@code scale_zero_duration}, 15m)
 * @param functionMetricsPort where every replica's watchdog serves /metrics, asked before a scale to zero
 *                          ({@code function_metrics_port}, 8081)
 * @param queue             queued calls (/async-function): {@link QueueConfig}
 * @param build             the builder (/system/builds, the Blueprint routes): {@link BuildConfig}
 * @param lambda            the AWS Lambda Invoke API's door (/2015-03-31/...): {@link LambdaConfig}
 */
public record GatewayConfig(
        int port,
        int ioThreads,
        Duration readTimeout,
        Duration headTimeout,
        int maxConnections,
        Duration writeTimeout,
        Duration upstreamTimeout,
        Duration upstreamConnectTimeout,
        long maxBody,
        long requestBuffer,
        Duration bodyTimeout,
        String provider,
        String functionsNetwork,
        int functionPort,
        String staticFunctions,
        Duration resyncInterval,
        Duration dockerTimeout,
        Duration imagePullTimeout,
        int upstreamConnections,
        int upstreamQueue,
        String functionNamespace,
        boolean basicAuth,
        String secretMountPath,
        String ownContainer,
        int maxReplicas,
        boolean scaleFromZero,
        Duration scaleFromZeroTimeout,
        int scaleFromZeroQueue,
        Duration scaleZeroDuration,
        int functionMetricsPort,
        QueueConfig queue,
        BuildConfig build,
        LambdaConfig lambda) {

    public static GatewayConfig fromEnvironment() {
        return from(System.getenv());
    }

    /** Reads the settings from a map of environment variables; a bad value fails with a message naming it. */
    public static GatewayConfig from(Map<String, String> env) {
        Settings s = new Settings(env);
        Duration readTimeout = s.duration("read_timeout", Duration.ofSeconds(65));
        Duration upstreamTimeout = s.duration("upstream_timeout", Duration.ofSeconds(60));
        return new GatewayConfig(
                s.integer("port", 8080),
                s.positive("io_threads", Math.max(2, Runtime.getRuntime().availableProcessors())),
                readTimeout,
                s.positiveDuration("head_timeout", Duration.ofSeconds(10)),
                s.positive("max_connections", 10_000),
                s.duration("write_timeout", Duration.ofSeconds(65)),
                upstreamTimeout,
                s.duration("upstream_connect_timeout", Duration.ofSeconds(2)),
                s.size("max_body", 10L * 1024 * 1024),
                s.size("request_buffer", 64 * 1024),
                atMost(s.positiveDuration("body_timeout", Duration.ofSeconds(30)), upstreamTimeout, readTimeout),
                s.oneOf("provider", "swarm", "swarm", "static"),
                s.text("functions_network", "functions"),
                s.integer("function_port", 8080),
                s.text("static_functions", ""),
                s.positiveDuration("resync_interval", Duration.ofSeconds(5)),
                s.positiveDuration("docker_timeout", Duration.ofSeconds(5)),
                s.positiveDuration("image_pull_timeout", Duration.ofMinutes(2)),
                s.positive("upstream_connections", 32),
                s.integer("upstream_queue", 1000),
                s.text("function_namespace", "openfaas-fn"),
                s.oneOf("basic_auth", "false", "true", "false").equals("true"),
                s.text("secret_mount_path", "/run/secrets"),
                s.text("HOSTNAME", ""),
                s.positive("max_replicas", 100),
                s.oneOf("scale_from_zero", "true", "true", "false").equals("true"),
                s.positiveDuration("scale_from_zero_timeout", Duration.ofSeconds(30)),
                s.positive("scale_from_zero_queue", 1000),
                s.positiveDuration("scale_zero_duration", Duration.ofMinutes(15)),
                s.positive("function_metrics_port", 8081),
                queue(s),
                build(s),
                lambda(s));
    }

    private static LambdaConfig lambda(Settings s) {
        return new LambdaConfig(
                s.names("lambda_access_keys"),
                s.oneOf("lambda_allow_unsigned", "false", "true", "false").equals("true"),
                s.text("lambda_region", "us-east-1"),
                s.text("lambda_account", "000000000000"));
    }

    private static BuildConfig build(Settings s) {
        return new BuildConfig(
                s.size("build_max_archive", 50L * 1024 * 1024),
                s.size("build_max_unpacked", 250L * 1024 * 1024),
                s.positive("build_max_files", 10_000),
                s.positiveDuration("build_timeout", Duration.ofMinutes(10)),
                s.size("build_memory", 1024L * 1024 * 1024),
                s.positive("build_concurrency", 2),
                s.text("build_registry", ""),
                s.text("build_templates", "/opt/faas/templates"),
                s.text("build_work_dir", System.getProperty("java.io.tmpdir")),
                s.positiveDuration("build_ready_timeout", Duration.ofSeconds(60)),
                s.list("blueprint_api_keys"));
    }

    private static QueueConfig queue(Settings s) {
        Duration retryFirst = s.positiveDuration("async_retry_first", Duration.ofSeconds(1));
        return new QueueConfig(
                s.text("nats_url", ""),
                s.size("async_max_body", 32L * 1024 * 1024),
                s.positive("async_max_inflight", 8),
                s.positive("async_max_attempts", 5),
                retryFirst,
                atLeast(s.positiveDuration("async_retry_max", Duration.ofSeconds(30)), retryFirst),
                s.positiveDuration("async_max_age", Duration.ofHours(1)),
                s.positiveDuration("async_ack_wait", Duration.ofSeconds(30)),
                s.positive("async_callback_attempts", 8),
                s.list("async_callback_allow"),
                s.positiveDuration("async_publish_timeout", Duration.ofSeconds(5)));
    }

    private static Duration atLeast(Duration d, Duration floor) {
        return d.compareTo(floor) < 0 ? floor : d;
    }

    /** {@code d}, or the shortest of the limits that is shorter (a zero limit is no limit). */
    private static Duration atMost(Duration d, Duration... limits) {
        for (Duration limit : limits) {
            if (!limit.isZero() && limit.compareTo(d) < 0) {
                d = limit;
            }
        }
        return d;
    }

    /** Parses one kind of value per method; every error names the variable and shows an example. */
    private record Settings(Map<String, String> env) {
        String text(String name, String fallback) {
            String v = env.get(name);
            return v == null || v.isBlank() ? fallback : v.trim();
        }

        /** A comma-separated list, lower-cased, without blanks. */
        java.util.List<String> list(String name) {
            return java.util.Arrays.stream(text(name, "").split(","))
                    .map(v -> v.trim().toLowerCase(Locale.ROOT)).filter(v -> !v.isEmpty()).toList();
        }

        /** A comma-separated list of names kept as written (Docker secret names tell case apart), without blanks. */
        java.util.List<String> names(String name) {
            return java.util.Arrays.stream(text(name, "").split(","))
                    .map(String::trim).filter(v -> !v.isEmpty()).toList();
        }

        int integer(String name, int fallback) {
            String v = text(name, null);
            if (v == null) {
                return fallback;
            }
            try {
                int n = Integer.parseInt(v);
                if (n < 0) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + "=" + v + " is not a whole number >= 0 (example: " + fallback + ")");
            }
        }

        int positive(String name, int fallback) {
            int n = integer(name, fallback);
            if (n == 0) {
                throw new IllegalArgumentException(name + "=0 leaves nothing to work with: use 1 or more (default "
                        + fallback + ")");
            }
            return n;
        }

        Duration positiveDuration(String name, Duration fallback) {
            Duration d = duration(name, fallback);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be longer than 0 (examples: 5s, 500ms)");
            }
            return d;
        }

        String oneOf(String name, String fallback, String... allowed) {
            String v = text(name, fallback).toLowerCase(Locale.ROOT);
            for (String a : allowed) {
                if (a.equals(v)) {
                    return v;
                }
            }
            throw new IllegalArgumentException(name + "=" + v + " is not one of " + String.join(", ", allowed));
        }

        /** Accepts Go-style durations ("500ms", "5s", "2m", "1h") and bare seconds ("5"). */
        Duration duration(String name, Duration fallback) {
            String v = text(name, null);
            if (v == null) {
                return fallback;
            }
            try {
                return Units.duration(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + "=" + v + " is not a duration (examples: 5s, 500ms, 2m)");
            }
        }

        /** Accepts bytes ("1048576") or k/m/g suffixes in powers of 1024 ("10m"). */
        long size(String name, long fallback) {
            String v = text(name, null);
            if (v == null) {
                return fallback;
            }
            try {
                return Units.bytes(v);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new IllegalArgumentException(name + "=" + v + " is not a size (examples: 1048576, 512k, 10m)");
            }
        }
    }
}
