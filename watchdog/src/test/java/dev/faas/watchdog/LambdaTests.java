package dev.faas.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the mode=lambda tests share: a real watchdog JVM running AWS's shell tutorial bootstrap ({@link LambdaRuntimes})
 * from a task directory, and the waits they need.
 */
final class LambdaTests {
    static final String INVOKE = "/2015-03-31/functions/lambda-test/invocations";
    private static final Pattern RUNTIME_API = Pattern.compile("runtime_api=127\\.0\\.0\\.1:(\\d+)");

    private LambdaTests() {}

    /** The test runtime talks to the Runtime API with curl. */
    static void requireCurl() throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", "command -v curl").start();
        assertEquals(0, p.waitFor(), "the test runtime (AWS's tutorial bootstrap) needs curl on PATH; install curl");
    }

    static WatchdogProcess start(Path dir, Map<String, String> extra) throws Exception {
        LambdaRuntimes.write(dir);
        Map<String, String> env = new HashMap<>(Map.of("mode", "lambda", "LAMBDA_TASK_ROOT", dir.toString(),
                "_HANDLER", "function.handler", "lambda_runtime_port", "0", "function_name", "lambda-test",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256"));
        env.putAll(extra);
        return WatchdogProcess.start(env, dir);
    }

    /** Started and healthy: a runtime has asked for its first invocation. */
    static WatchdogProcess ready(Path dir, Map<String, String> extra) throws Exception {
        WatchdogProcess w = start(dir, extra);
        try {
            awaitHealthy(w);
        } catch (AssertionError | Exception e) {
            w.close();
            throw e;
        }
        return w;
    }

    static HttpResponse<String> invoke(WatchdogProcess w, String event) throws Exception {
        return w.send(HttpRequest.newBuilder(w.uri(INVOKE)).POST(HttpRequest.BodyPublishers.ofString(event)));
    }

    /** Calls until one is answered with {@code status}: a restart with backoff comes between. */
    static void awaitAnswer(WatchdogProcess w, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        HttpResponse<String> r;
        while ((r = invoke(w, "pid")).statusCode() != status) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never answered " + status + "; last " + r.statusCode() + " " + r.body()
                        + "; the log:\n" + w.log());
            }
            Thread.sleep(50);
        }
    }

    static HttpResponse<String> health(WatchdogProcess w) throws Exception {
        return w.send(HttpRequest.newBuilder(w.uri("/_/health")).GET());
    }

    static void awaitHealthy(WatchdogProcess w) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (health(w).statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never healthy; the log:\n" + w.log());
            }
            Thread.sleep(20);
        }
    }

    static void awaitLogCount(WatchdogProcess w, String fragment, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count(w.log(), fragment) < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + count + " lines with '" + fragment + "':\n" + w.log());
            }
            Thread.sleep(20);
        }
    }

    static int count(String log, String fragment) {
        int n = 0;
        for (int at = log.indexOf(fragment); at >= 0; at = log.indexOf(fragment, at + 1)) {
            n++;
        }
        return n;
    }

    static void awaitDead(long pid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("runtime process " + pid + " is still alive");
            }
            Thread.sleep(20);
        }
    }

    /** The Runtime API port of the first runtime, from the watchdog's start line. */
    static int runtimeApiPort(WatchdogProcess w) throws Exception {
        Matcher m = RUNTIME_API.matcher(w.awaitLogLine("runtime_api=127.0.0.1:"));
        if (!m.find()) {
            throw new AssertionError("no runtime_api in the log:\n" + w.log());
        }
        return Integer.parseInt(m.group(1));
    }
}
