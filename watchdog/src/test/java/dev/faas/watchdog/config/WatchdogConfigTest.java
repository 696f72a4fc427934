package dev.faas.watchdog.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchdogConfigTest {
    private static WatchdogConfig parse(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return WatchdogConfig.fromEnvironment(env);
    }

    @Test
    void defaultsAreTheClassicWatchdogs() {
        WatchdogConfig c = parse("fprocess", "cat");
        assertEquals(List.of("cat"), c.command());
        assertEquals(Duration.ofSeconds(5), c.readTimeout());
        assertEquals(Duration.ofSeconds(5), c.writeTimeout());
        assertEquals(Duration.ZERO, c.execTimeout());
        assertFalse(c.writeDebug());
        assertTrue(c.combineOutput());
        assertEquals("", c.contentType());
        assertTrue(c.cgiHeaders());
        assertFalse(c.marshalRequest());
        assertFalse(c.suppressLock());
        assertEquals("0.0.0.0", c.bindAddress());
        assertEquals(8080, c.port());
        assertEquals(0, c.maxInflight());
        assertEquals(64L << 20, c.maxBodySize());
        assertEquals(Path.of("/tmp/.lock"), c.lockFile());
    }

    @Test
    void everySettingIsRead() {
        WatchdogConfig c = parse("fprocess", "  python3   index.py --fast ", "read_timeout", "2", "write_timeout", "3s",
                "exec_timeout", "500ms", "write_debug", "true", "combine_output", "false", "content_type", "text/html",
                "cgi_headers", "0", "marshal_request", "yes", "suppress_lock", "TRUE", "bind_address", "127.0.0.1",
                "port", "9000", "max_inflight", "4", "max_body_size", "512k", "TMPDIR", "/var/tmp");
        assertEquals(List.of("python3", "index.py", "--fast"), c.command());
        assertEquals(Duration.ofSeconds(2), c.readTimeout());
        assertEquals(Duration.ofSeconds(3), c.writeTimeout());
        assertEquals(Duration.ofMillis(500), c.execTimeout());
        assertTrue(c.writeDebug());
        assertFalse(c.combineOutput());
        assertEquals("text/html", c.contentType());
        assertFalse(c.cgiHeaders());
        assertTrue(c.marshalRequest());
        assertTrue(c.suppressLock());
        assertEquals("127.0.0.1", c.bindAddress());
        assertEquals(9000, c.port());
        assertEquals(4, c.maxInflight());
        assertEquals(512 * 1024, c.maxBodySize());
        assertEquals(Path.of("/var/tmp/.lock"), c.lockFile());
    }

    @Test
    void missingOrBlankFprocessSaysWhatToSet() {
        for (String[] env : new String[][] {{}, {"fprocess", "   "}}) {
            ConfigException e = assertThrows(ConfigException.class, () -> parse(env));
            assertTrue(e.getMessage().startsWith("fprocess is not set: set it to the command"), e.getMessage());
        }
    }

    @Test
    void badValuesNameTheSettingAndTheValue() {
        assertMessage("write_debug must be true or false (got 'maybe')", "write_debug", "maybe");
        assertMessage("port must be a whole number from 0 to 65535 (got '70000')", "port", "70000");
        assertMessage("max_inflight must be a whole number from 0 to 2147483647 (got '-1')", "max_inflight", "-1");
        assertMessage("max_body_size must be a size in bytes like 1048576, 512k, 64m or 0 for no limit (got '12q')",
                "max_body_size", "12q");
        assertMessage("read_timeout: '5 seconds' is not a duration (examples: 5, 5s, 500ms, 1.5s, 1m30s)",
                "read_timeout", "5 seconds");
    }

    @Test
    void processLimitIsTheSmallerNonZeroOfExecAndWriteTimeout() {
        assertEquals(new WatchdogConfig.Limit("write_timeout", Duration.ofSeconds(5)),
                parse("fprocess", "cat").processLimit());
        assertEquals(new WatchdogConfig.Limit("exec_timeout", Duration.ofSeconds(1)),
                parse("fprocess", "cat", "exec_timeout", "1s").processLimit());
        assertEquals(new WatchdogConfig.Limit("write_timeout", Duration.ofSeconds(5)),
                parse("fprocess", "cat", "exec_timeout", "10s").processLimit());
        assertEquals(new WatchdogConfig.Limit("exec_timeout", Duration.ofSeconds(10)),
                parse("fprocess", "cat", "exec_timeout", "10s", "write_timeout", "0").processLimit());
        assertNull(parse("fprocess", "cat", "write_timeout", "0").processLimit());
        assertEquals("exec_timeout of 1s", new WatchdogConfig.Limit("exec_timeout", Duration.ofSeconds(1)).describe());
    }

    private static void assertMessage(String expected, String name, String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("fprocess", "cat", name, value));
        assertEquals(expected, e.getMessage());
    }

    @Test
    void modeIsForkUnlessSetAndOfWatchdogsNamesAreAccepted() {
        assertEquals(WatchdogConfig.Mode.FORK, parse("fprocess", "cat").mode());
        assertEquals(WatchdogConfig.Mode.FORK, parse("fprocess", "cat", "mode", "serializing").mode());
        assertEquals(WatchdogConfig.Mode.STREAMING, parse("fprocess", "cat", "mode", "Streaming").mode());
        WatchdogConfig http = parse("function_process", "node index.js", "mode", "http",
                "http_upstream_url", "http://127.0.0.1:3000");
        assertEquals(WatchdogConfig.Mode.HTTP, http.mode());
        assertEquals(List.of("node", "index.js"), http.command());
        assertEquals(3000, http.upstreamUrl().getPort());
        assertNull(parse("fprocess", "cat", "upstream_url", "http://127.0.0.1:3000").upstreamUrl(),
                "upstream_url only matters in http mode");
    }

    @Test
    void httpModeNeedsAnUpstreamUrlWithHostAndPort() {
        ConfigException missing = assertThrows(ConfigException.class, () -> parse("fprocess", "x", "mode", "http"));
        assertTrue(missing.getMessage().contains("mode=http needs upstream_url"), missing.getMessage());
        for (String bad : new String[] {"127.0.0.1:3000", "http://127.0.0.1", "https://127.0.0.1:3000",
                "http://127.0.0.1:3000/api", "not a url"}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> parse("fprocess", "x", "mode", "http", "upstream_url", bad), bad);
            assertTrue(e.getMessage().startsWith("upstream_url must be http://host:port"), e.getMessage());
        }
        ConfigException mode = assertThrows(ConfigException.class, () -> parse("fprocess", "x", "mode", "warm"));
        assertEquals("mode must be fork, streaming, http or lambda (got 'warm')", mode.getMessage());
    }

    @Test
    void lambdaModeDefaultsAreLambdas(@TempDir Path taskRoot) {
        WatchdogConfig c = parse("mode", "lambda", "LAMBDA_TASK_ROOT", taskRoot.toString(), "HOSTNAME", "replica-1");
        assertEquals(WatchdogConfig.Mode.LAMBDA, c.mode());
        assertEquals(List.of("/var/runtime/bootstrap"), c.command(), "no bootstrap in the task root: Lambda's own");
        WatchdogConfig.Lambda l = c.lambda();
        assertEquals(taskRoot, l.taskRoot());
        assertEquals(9001, l.runtimePort());
        assertEquals(1, l.runtimes());
        assertEquals(WatchdogConfig.Event.BODY, l.event());
        assertEquals("replica-1", l.functionName(), "without a name set: the hostname");
        assertEquals(0, l.memoryMb(), "0: read from the cgroup at start");
        assertEquals("us-east-1", l.region());
        assertEquals(Duration.ofSeconds(10), l.initTimeout());
        assertNull(parse("fprocess", "cat").lambda(), "only lambda mode has them");
        assertEquals(Path.of("/var/task"), parse("mode", "lambda").lambda().taskRoot());
    }

    @Test
    void lambdaModeBoundsBodiesAtLambdasSixMbAndItsQueueAt64CallsPerRuntime() {
        WatchdogConfig c = parse("mode", "lambda", "lambda_runtimes", "3");
        assertEquals(6L << 20, c.maxBodySize());
        assertEquals(3 * 64, c.maxInflight());
        WatchdogConfig set = parse("mode", "lambda", "max_body_size", "20m", "max_inflight", "0");
        assertEquals(20L << 20, set.maxBodySize(), "a user may raise it");
        assertEquals(0, set.maxInflight(), "or take the bound away");
        assertEquals(0, parse("fprocess", "cat").maxInflight(), "the other modes: no bound unless set");
    }

    @Test
    void lambdaModeRunsTheTaskRootsBootstrapUnlessFprocessIsSet(@TempDir Path taskRoot) throws Exception {
        java.nio.file.Files.createFile(taskRoot.resolve("bootstrap"));
        assertEquals(List.of(taskRoot.resolve("bootstrap").toString()),
                parse("mode", "lambda", "LAMBDA_TASK_ROOT", taskRoot.toString()).command());
        assertEquals(List.of("java", "-cp", "/var/task/*", "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
                "example.Hello::handleRequest"), parse("mode", "lambda", "LAMBDA_TASK_ROOT", taskRoot.toString(),
                "fprocess", "java -cp /var/task/* com.amazonaws.services.lambda.runtime.api.client.AWSLambda"
                        + " example.Hello::handleRequest").command());
    }

    @Test
    void lambdaSettingsAreRead() {
        WatchdogConfig.Lambda l = parse("mode", "lambda", "lambda_runtime_port", "7000", "lambda_runtimes", "3",
                "lambda_event", "HTTP", "function_name", "fn", "HOSTNAME", "h", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512",
                "AWS_DEFAULT_REGION", "eu-west-1", "lambda_init_timeout", "30s").lambda();
        assertEquals(7000, l.runtimePort());
        assertEquals(3, l.runtimes());
        assertEquals(WatchdogConfig.Event.HTTP, l.event());
        assertEquals("fn", l.functionName());
        assertEquals(512, l.memoryMb());
        assertEquals("eu-west-1", l.region());
        assertEquals(Duration.ofSeconds(30), l.initTimeout());
        WatchdogConfig.Lambda aws = parse("mode", "lambda", "function_name", "fn", "AWS_LAMBDA_FUNCTION_NAME", "aws-name",
                "AWS_REGION", "ap-south-1", "AWS_DEFAULT_REGION", "eu-west-1").lambda();
        assertEquals("aws-name", aws.functionName(), "Lambda's own variable wins");
        assertEquals("ap-south-1", aws.region());
    }

    @Test
    void badLambdaSettingsNameTheSettingAndTheValue() {
        assertLambdaMessage("lambda_runtimes must be a whole number from 1 to 64 (got '0')", "lambda_runtimes", "0");
        assertLambdaMessage("lambda_runtime_port must be a whole number from 0 to 65535 (got '70000')",
                "lambda_runtime_port", "70000");
        assertLambdaMessage("lambda_event must be body (the HTTP body is the event) or http (an API Gateway HTTP API"
                + " event) (got 'xml')", "lambda_event", "xml");
        assertLambdaMessage("AWS_LAMBDA_FUNCTION_MEMORY_SIZE must be a whole number from 1 to 1048576 (got 'lots')",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "lots");
        assertLambdaMessage("lambda_init_timeout: 'soon' is not a duration (examples: 5, 5s, 500ms, 1.5s, 1m30s)",
                "lambda_init_timeout", "soon");
        ConfigException ports = assertThrows(ConfigException.class, () -> parse("mode", "lambda",
                "lambda_runtime_port", "65535", "lambda_runtimes", "2"));
        assertTrue(ports.getMessage().startsWith("lambda_runtime_port + lambda_runtimes - 1 must be at most 65535"),
                ports.getMessage());
    }

    private static void assertLambdaMessage(String expected, String name, String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("mode", "lambda", name, value));
        assertEquals(expected, e.getMessage());
    }
}
