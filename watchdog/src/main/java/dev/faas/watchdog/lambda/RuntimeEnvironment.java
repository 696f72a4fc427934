package dev.faas.watchdog.lambda;

import dev.faas.watchdog.config.WatchdogConfig;
import dev.faas.watchdog.exec.ProcessTree;
import java.time.Instant;
import java.util.Map;

/**
 * The environment Lambda gives a runtime, on top of the watchdog's own (inherited): each variable only where the
 * image or the service did not set it already, except the Runtime API's address, which is always ours.
 */
final class RuntimeEnvironment {
    private final WatchdogConfig.Lambda settings;
    private final int memoryMb;

    RuntimeEnvironment(WatchdogConfig.Lambda settings, int memoryMb) {
        this.settings = settings;
        this.memoryMb = memoryMb;
    }

    void applyTo(Map<String, String> env, int port, String treeId) {
        env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + port);
        env.put(ProcessTree.VARIABLE, treeId);
        String name = settings.functionName();
        env.putIfAbsent("_HANDLER", "");
        env.putIfAbsent("LAMBDA_TASK_ROOT", settings.taskRoot().toString());
        env.putIfAbsent("LAMBDA_RUNTIME_DIR", "/var/runtime");
        env.putIfAbsent("AWS_LAMBDA_FUNCTION_NAME", name);
        env.putIfAbsent("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.putIfAbsent("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(memoryMb));
        env.putIfAbsent("AWS_REGION", settings.region());
        env.putIfAbsent("AWS_DEFAULT_REGION", settings.region());
        env.putIfAbsent("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + name);
        env.putIfAbsent("AWS_LAMBDA_LOG_STREAM_NAME", Ids.logStreamName(Instant.now()));
        env.putIfAbsent("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        env.putIfAbsent("TZ", ":UTC");
    }

    /** The function's ARN, in the account id Lambda's emulators use. */
    String functionArn() {
        return "arn:aws:lambda:" + settings.region() + ":000000000000:function:" + settings.functionName();
    }
}
