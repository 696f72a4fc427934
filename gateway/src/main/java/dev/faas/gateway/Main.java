package dev.faas.gateway;

import dev.faas.common.DaemonThreads;
import dev.faas.gateway.api.AlertHandler;
import dev.faas.gateway.api.BodyLimit;
import dev.faas.gateway.api.BuildsHandler;
import dev.faas.gateway.api.FunctionsHandler;
import dev.faas.gateway.api.HealthHandler;
import dev.faas.gateway.api.LogsHandler;
import dev.faas.gateway.api.Namespace;
import dev.faas.gateway.api.NamespacesHandler;
import dev.faas.gateway.api.QueueHandler;
import dev.faas.gateway.api.ScaleHandler;
import dev.faas.gateway.api.SecretsHandler;
import dev.faas.gateway.api.SystemInfoHandler;
import dev.faas.gateway.api.Uploads;
import dev.faas.gateway.async.AsyncCallHandler;
import dev.faas.gateway.async.LoopbackInvoker;
import dev.faas.gateway.auth.AccessKeys;
import dev.faas.gateway.auth.BasicAuthHandler;
import dev.faas.gateway.auth.BearerKeys;
import dev.faas.gateway.auth.Credentials;
import dev.faas.gateway.auth.SigV4;
import dev.faas.gateway.blueprint.BlueprintDoor;
import dev.faas.gateway.build.Archives;
import dev.faas.gateway.build.BuildContexts;
import dev.faas.gateway.build.Builds;
import dev.faas.gateway.build.ImageBuilder;
import dev.faas.gateway.build.StaleBuilds;
import dev.faas.gateway.config.BuildConfig;
import dev.faas.gateway.config.GatewayConfig;
import dev.faas.gateway.config.LambdaConfig;
import dev.faas.gateway.config.QueueConfig;
import dev.faas.gateway.lambda.LambdaDoor;
import dev.faas.gateway.metrics.AsyncMetrics;
import dev.faas.gateway.metrics.ColdStartMetrics;
import dev.faas.gateway.metrics.FunctionMetrics;
import dev.faas.gateway.metrics.Meters;
import dev.faas.gateway.metrics.MetricsHandler;
import dev.faas.gateway.provider.FunctionManager;
import dev.faas.gateway.provider.FunctionProvider;
import dev.faas.gateway.provider.FunctionRegistry;
import dev.faas.gateway.provider.LogSource;
import dev.faas.gateway.provider.RegistryLog;
import dev.faas.gateway.provider.SecretStore;
import dev.faas.gateway.provider.nats.JetStreamQueue;
import dev.faas.gateway.provider.statics.NoImageBuilder;
import dev.faas.gateway.provider.statics.NoManagement;
import dev.faas.gateway.provider.statics.StaticProvider;
import dev.faas.gateway.provider.swarm.DockerApi;
import dev.faas.gateway.provider.swarm.SwarmImageBuilder;
import dev.faas.gateway.provider.swarm.SwarmManager;
import dev.faas.gateway.provider.swarm.SwarmProvider;
import dev.faas.gateway.proxy.Balancers;
import dev.faas.gateway.proxy.FunctionProxy;
import dev.faas.gateway.proxy.StrictFraming;
import dev.faas.gateway.queue.CallQueue;
import dev.faas.gateway.queue.CallbackUrls;
import dev.faas.gateway.queue.Invoker;
import dev.faas.gateway.queue.QueueOff;
import dev.faas.gateway.queue.QueueWorker;
import dev.faas.gateway.replica.WatchdogActivity;
import dev.faas.gateway.routing.FunctionRouter;
import dev.faas.gateway.scaling.ColdStarts;
import dev.faas.gateway.scaling.IdleScaler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.util.Methods;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Options;

/** Reads the configuration, wires the parts together and serves until the process is stopped. */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) {
        GatewayConfig config;
        try {
            config = GatewayConfig.fromEnvironment();
        } catch (IllegalArgumentException e) {
            refuseToStart(e.getMessage(), "fix the environment variable and restart");
            return;
        }
        BuildInfo build = BuildInfo.of(Main.class);
        PrometheusMeterRegistry meters = Meters.prometheus();
        FunctionRegistry registry = new FunctionRegistry();
        Balancers balancers = new Balancers(config);
        FunctionMetrics metrics = new FunctionMetrics(meters);
        registry.addListener(balancers);
        registry.addListener(metrics);
        registry.addListener(new RegistryLog());

        Credentials credentials;
        try {
            credentials = config.basicAuth() ? Credentials.load(Path.of(config.secretMountPath())) : null;
        } catch (IllegalStateException e) {
            refuseToStart(e.getMessage(), null); // the problem says which secrets to create
            return;
        }

        BuildConfig buildConfig = config.build();
        BearerKeys bearer;
        Path buildWork;
        try {
            bearer = BearerKeys.load(Path.of(config.secretMountPath()), buildConfig.blueprintKeys());
            buildWork = java.nio.file.Files.createDirectories(Path.of(buildConfig.workDir(), "faas-builds"));
        } catch (IllegalStateException | java.io.IOException e) {
            refuseToStart(e.getMessage(), "fix blueprint_api_keys or build_work_dir and restart");
            return;
        }

        LambdaConfig lambdaConfig = config.lambda();
        AccessKeys accessKeys;
        try {
            accessKeys = lambdaConfig.accessKeys().isEmpty() ? AccessKeys.none()
                    : AccessKeys.load(Path.of(config.secretMountPath()), lambdaConfig.accessKeys());
        } catch (IllegalStateException e) {
            refuseToStart(e.getMessage(), "fix lambda_access_keys or its secrets and restart");
            return;
        }
        String lambdaWarning = lambdaConfig.startupWarning();
        if (lambdaWarning != null) {
            LOG.warn("event=lambda_settings lambda_access_keys={} lambda_allow_unsigned={} problem=\"{}\"",
                    accessKeys.size(), lambdaConfig.allowUnsigned(), lambdaWarning);
        }

        // Queued calls: stored in NATS, run by a worker in this process through the same route as sync calls.
        QueueConfig queueConfig = config.queue();
        ExecutorService asyncWork = Executors.newCachedThreadPool(DaemonThreads.named("async-"));
        ScheduledExecutorService queueTimer = Executors.newScheduledThreadPool(2, DaemonThreads.named("queue-timer-"));
        CallQueue queue = queueConfig.enabled() ? new JetStreamQueue(queueConfig, asyncWork, queueTimer) : new QueueOff();
        QueueHandler queueView = new QueueHandler(queue, queueConfig);

        FunctionProvider provider;
        FunctionManager manager;
        ImageBuilder images;
        ExecutorService buildThreads = Executors.newCachedThreadPool(DaemonThreads.named("build-"));
        Uploads uploads = new Uploads(buildWork, buildConfig.maxArchive());
        // Set once the server listens: the Blueprint door calls functions through the gateway's own route.
        AtomicReference<LoopbackInvoker> loopbackInvoker = new AtomicReference<>();
        Invoker invoker = call -> loopbackInvoker.get().invoke(call);
        // The Lambda door's, reading one byte past max_body to tell an answer over it from one that just fits.
        AtomicReference<LoopbackInvoker> lambdaLoopback = new AtomicReference<>();
        Invoker lambdaInvoker = call -> lambdaLoopback.get().invoke(call);
        SecretStore secrets;
        LogSource logs;
        Namespace namespace = new Namespace(config.functionNamespace());
        if (config.provider().equals("static")) {
            try {
                provider = new StaticProvider(config.staticFunctions());
            } catch (IllegalArgumentException e) {
                refuseToStart(e.getMessage(), "fix static_functions and restart");
                return;
            }
            NoManagement none = new NoManagement();
            manager = none;
            secrets = none;
            logs = none;
            images = new NoImageBuilder();
        } else {
            DockerApi docker = new DockerApi(config.dockerTimeout());
            SwarmProvider swarmProvider = new SwarmProvider(docker, config);
            provider = swarmProvider;
            SwarmManager swarm = new SwarmManager(docker, config, swarmProvider::refreshNow);
            manager = swarm;
            secrets = swarm.secrets();
            logs = swarm.logs();
            images = new SwarmImageBuilder(docker, buildConfig.registry(), buildConfig.timeout(), buildConfig.memory(),
                    config.imagePullTimeout(), config.functionsNetwork());
        }

        // Lifecycle work off the request path: scale calls (they wait on Docker), hold timeouts, the idle check.
        ExecutorService lifecycle = Executors.newCachedThreadPool(DaemonThreads.named("lifecycle-"));
        ImageBuilder builder = images;
        Instant started = Instant.now();
        lifecycle.execute(() -> StaleBuilds.reap(builder, buildWork, started));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("lifecycle-timer-"));
        ColdStartMetrics coldStartMetrics = new ColdStartMetrics(meters);
        ColdStarts coldStarts = new ColdStarts(new ColdStarts.Settings(config.scaleFromZero(),
                config.scaleFromZeroTimeout(), config.scaleFromZeroQueue(), config.maxReplicas()), manager::scale,
                lifecycle, timer, System::nanoTime, Instant::now, coldStartMetrics);
        // After the balancers: a held call is released only once its replica can be picked.
        registry.addListener(coldStarts);
        registry.addListener(coldStartMetrics);
        WatchdogActivity activity = new WatchdogActivity(config.functionMetricsPort(), Duration.ofSeconds(2));
        IdleScaler idle = new IdleScaler(registry::all, coldStarts, manager::scale,
                replica -> activity.read(replica.address())
                        .map(r -> new IdleScaler.Report(r.inFlight(), r.idle())),
                config.scaleZeroDuration(), lifecycle);
        timer.scheduleWithFixedDelay(idle::check, 1, 1, TimeUnit.SECONDS);

        FunctionProxy proxy = new FunctionProxy(registry, balancers, metrics, config, coldStarts);
        Builds builds = new Builds(images, manager, new BuildContexts(Path.of(buildConfig.templates())), proxy::find,
                new Builds.Settings(new Archives.Limits(buildConfig.maxUnpacked(), buildConfig.maxFiles()), buildWork,
                "faas-fn", buildConfig.readyTimeout(), buildConfig.concurrency(), config.functionsNetwork()));
        Routes.Management management = management(manager, secrets, logs, metrics, namespace, config.maxReplicas(),
                queueView, new BuildsHandler(builds, uploads, config.maxReplicas(), buildThreads).build());
        AsyncMetrics asyncMetrics = new AsyncMetrics(meters);
        CallbackUrls callbackUrls = new CallbackUrls(queueConfig.callbackAllow(),
                config.ownContainer().isEmpty() ? List.of() : List.of(config.ownContainer()), CallbackUrls::systemResolver);
        FunctionRouter router = new FunctionRouter(proxy, config);
        Routes.Handlers handlers = new Routes.Handlers(
                router,
                new AsyncCallHandler(proxy::find, () -> provider.health().lastSync() != null, queue, callbackUrls, asyncMetrics, Clock.systemUTC(),
                        queueConfig.maxBody()),
                new HealthHandler(provider),
                new MetricsHandler(meters),
                new SystemInfoHandler(provider, build),
                management,
                new BlueprintDoor(builds, uploads, manager, proxy::find, invoker, metrics, buildThreads),
                new LambdaDoor(new LambdaDoor.Settings(lambdaConfig.region(), lambdaConfig.account(),
                        lambdaConfig.allowUnsigned(), config.maxBody(), queueConfig.maxBody(),
                        config.upstreamTimeout(), config.bodyTimeout()),
                        new SigV4(accessKeys, "lambda", lambdaConfig.region(), Clock.systemUTC()), credentials,
                        new LambdaDoor.Core(proxy::find, () -> provider.health().lastSync() != null, registry::all,
                                lambdaInvoker, queue, asyncMetrics, manager), Clock.systemUTC()),
                BasicAuthHandler.guard(credentials),
                bearer.or(BasicAuthHandler.guard(credentials)));

        // The queue worker's own door to the function route: only this process reaches 127.0.0.1 of its container.
        HttpHandler loopback = StrictFraming.guard(BodyLimit.guard("async_max_body",
                Math.max(config.maxBody(), queueConfig.maxBody()), router));
        Undertow server = server(config, "0.0.0.0", Routes.of(handlers), loopback);
        provider.start(registry);
        server.start();
        loopbackInvoker.set(QueuedCalls.loopback(config, server, config.maxBody(), asyncWork));
        lambdaLoopback.set(QueuedCalls.loopback(config, server, config.maxBody() + 1, asyncWork));
        QueueWorker worker = QueuedCalls.start(config, queue, server, registry, asyncMetrics, callbackUrls, asyncWork,
                queueTimer);
        LOG.info("event=started port={} provider={} network={} basic_auth={} lambda_keys={} version={} sha={}",
                config.port(), config.provider(), config.functionsNetwork(), config.basicAuth(), accessKeys.size(),
                build.version(), build.sha());

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            QueuedCalls.drain(queue, worker);
            server.stop();
            queue.close();
            provider.close();
            LOG.info("event=stopped");
        }, "shutdown"));
    }

    /**
     * The HTTP server with every option the gateway runs with (tests start it the same way on 127.0.0.1).
     * MAX_ENTITY_SIZE 0 switches Undertow's own body limit off: left unset, its default of 2 MiB cut every body
     * between 2 MiB and max_body off (a 502, a dropped connection, a 400 on the Alexa route, a false 413 on
     * /system), and it closes chunked bodies without a 413 anyway. {@link BodyLimit} applies max_body instead.
     */
    public static Undertow server(GatewayConfig config, String host, HttpHandler handler) {
        return server(config, host, handler, null);
    }

    /** The same, plus a listener on 127.0.0.1 at a port of the system's choosing for {@code loopback}, if not null. */
    public static Undertow server(GatewayConfig config, String host, HttpHandler handler, HttpHandler loopback) {
        Undertow.Builder builder = Undertow.builder();
        if (loopback != null) {
            builder.addHttpListener(0, "127.0.0.1", loopback);
        }
        return builder
                .addHttpListener(config.port(), host)
                .setIoThreads(config.ioThreads())
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, 0L)
                // A head that has not arrived whole within head_timeout of its first byte closes the connection
                // (Undertow closes it without an answer: it has no hook to write a 408 there).
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, millis(config.headTimeout()))
                // At max_connections accepting stops until they are down to nine tenths (XNIO's water marks).
                .setSocketOption(Options.CONNECTION_HIGH_WATER, config.maxConnections())
                .setSocketOption(Options.CONNECTION_LOW_WATER, Math.max(1, config.maxConnections() * 9 / 10))
                .setSocketOption(Options.READ_TIMEOUT, millis(config.readTimeout()))
                .setSocketOption(Options.WRITE_TIMEOUT, millis(config.writeTimeout()))
                .setHandler(StrictFraming.guard(bodyLimits(config, handler)))
                .build();
    }

    /**
     * max_body for everything but queued calls (async_max_body), uploads to build (build_max_archive) and the Lambda
     * door (either, by invocation type, answered in its shape).
     */
    private static HttpHandler bodyLimits(GatewayConfig config, HttpHandler handler) {
        HttpHandler sync = BodyLimit.guard(config.maxBody(), handler);
        HttpHandler lambda = LambdaDoor.bodyLimit(config.maxBody(), config.queue().maxBody(), handler);
        HttpHandler async = BodyLimit.guard("async_max_body", config.queue().maxBody(), handler);
        HttpHandler upload = BodyLimit.guard("build_max_archive", config.build().maxArchive(), handler);
        return exchange -> {
            String path = exchange.getRequestPath();
            boolean isUpload = path.equals("/system/builds") || exchange.getRequestMethod().equals(Methods.PUT)
                    && path.startsWith("/api/functions/");
            (isUpload ? upload : path.startsWith(Routes.ASYNC) ? async : path.startsWith(Routes.LAMBDA) ? lambda
                    : sync).handleRequest(exchange);
        };
    }

    private static int millis(java.time.Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    private static Routes.Management management(FunctionManager functions, SecretStore secrets, LogSource logs,
                                                FunctionMetrics metrics, Namespace namespace, int maxReplicas,
                                                HttpHandler queue, HttpHandler builds) {
        return new Routes.Management(new FunctionsHandler(functions, metrics, namespace, maxReplicas),
                new ScaleHandler(functions, namespace, maxReplicas), new SecretsHandler(secrets, namespace),
                new LogsHandler(logs, namespace), new AlertHandler(functions, maxReplicas),
                new NamespacesHandler(namespace), queue, builds);
    }

    /** A setting the gateway cannot run with: one log line, exit status 2. */
    private static void refuseToStart(String problem, String action) {
        if (action == null) {
            LOG.error("event=bad_config problem=\"{}\"", problem);
        } else {
            LOG.error("event=bad_config problem=\"{}\" action=\"{}\"", problem, action);
        }
        System.exit(2);
    }
}
