package dev.faas.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mode=lambda with AWS's own Java runtime interface client, unmodified: com.amazonaws
 * aws-lambda-java-runtime-interface-client 2.10.1 (its native libcurl client for next and response, HttpURLConnection
 * for errors) running a handler compiled here against aws-lambda-java-core. The jars are the watchdog's
 * test dependencies.
 */
class JavaRuntimeClientTest {
    private static final String HANDLER = String.join("\n",
            "package example;",
            "import com.amazonaws.services.lambda.runtime.Context;",
            "import com.amazonaws.services.lambda.runtime.RequestHandler;",
            "import java.util.Map;",
            "public class Hello implements RequestHandler<Map<String, Object>, Map<String, Object>> {",
            "    @Override",
            "    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {",
            "        System.out.println(\"hello from java \" + context.getAwsRequestId());",
            "        if (event.containsKey(\"fail\")) {",
            "            throw new IllegalStateException(\"asked to fail\");",
            "        }",
            "        return Map.of(\"requestId\", context.getAwsRequestId(), \"arn\", context.getInvokedFunctionArn(),",
            "                \"memory\", context.getMemoryLimitInMB(), \"event\", event,",
            "                \"remainingOk\", context.getRemainingTimeInMillis() > 0,",
            "                \"custom\", String.valueOf(context.getClientContext() == null ? null",
            "                        : context.getClientContext().getCustom()),",
            "                \"pid\", ProcessHandle.current().pid());",
            "    }",
            "}",
            "");

    @TempDir
    Path dir;

    @Test
    void runtimeInterfaceClientServesInvocationsAndFunctionErrors() throws Exception {
        List<String> jars = jars();
        compileHandler(jars);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String fprocess = java + " -XX:TieredStopAtLevel=1 -cp " + String.join(File.pathSeparator, jars)
                + " com.amazonaws.services.lambda.runtime.api.client.AWSLambda example.Hello::handleRequest";
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("mode", "lambda", "fprocess", fprocess,
                "LAMBDA_TASK_ROOT", dir.toString(), "lambda_runtime_port", "0", "function_name", "java-test",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512", "write_timeout", "60s"), dir)) {
            awaitHealthy(w);
            String context = Base64.getEncoder().encodeToString(
                    "{\"custom\":{\"k\":\"v\"},\"client\":{},\"env\":{}}".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> r = w.send(HttpRequest.newBuilder(w.uri("/2015-03-31/functions/java-test/invocations"))
                    .header("X-Call-Id", "java-call-1").header("X-Amz-Client-Context", context)
                    .header("X-Amz-Log-Type", "Tail").POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")));
            assertEquals(200, r.statusCode(), r.body());
            String body = r.body();
            for (String part : List.of("\"requestId\":\"java-call-1\"",
                    "\"arn\":\"arn:aws:lambda:us-east-1:000000000000:function:java-test\"", "\"memory\":512",
                    "\"event\":{\"a\":1}", "\"remainingOk\":true", "\"custom\":\"{k=v}\"")) {
                assertTrue(body.contains(part), part + " in " + body);
            }
            String tail = new String(Base64.getDecoder().decode(r.headers().firstValue("x-amz-log-result")
                    .orElseThrow()), StandardCharsets.UTF_8);
            assertTrue(tail.startsWith("START RequestId: java-call-1 Version: $LATEST\n"), tail);
            assertTrue(tail.contains("\nhello from java java-call-1\n"), tail);
            assertTrue(tail.contains("\nEND RequestId: java-call-1\nREPORT RequestId: java-call-1\t"), tail);

            HttpResponse<String> failed = w.send(HttpRequest.newBuilder(w.uri("/2015-03-31/functions/java-test/invocations"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"fail\":true}")));
            assertEquals(500, failed.statusCode());
            assertEquals("Unhandled", failed.headers().firstValue("x-amz-function-error").orElse(""));
            assertTrue(failed.body().startsWith("{\"errorMessage\":\"asked to fail\",\"errorType\":"
                    + "\"java.lang.IllegalStateException\",\"stackTrace\":["), failed.body());

            HttpResponse<String> again = w.send(HttpRequest.newBuilder(w.uri("/2015-03-31/functions/java-test/invocations"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"b\":2}")));
            assertEquals(200, again.statusCode());
            assertEquals(pid(body), pid(again.body()), "one warm JVM serves every call");
        }
    }

    private static String pid(String body) {
        int at = body.indexOf("\"pid\":");
        int end = at;
        while (end + 6 < body.length() && Character.isDigit(body.charAt(end + 6))) {
            end++;
        }
        return body.substring(at + 6, end + 6);
    }

    /** The client and what it needs at run time: the watchdog's test dependencies (watchdog/pom.xml). */
    private static List<String> jars() throws Exception {
        List<String> jars = new ArrayList<>();
        for (String type : List.of("com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
                "com.amazonaws.services.lambda.runtime.Context",
                "com.amazonaws.services.lambda.runtime.serialization.PojoSerializer",
                "software.amazon.awssdk.utilslite.SdkInternalThreadLocal",
                "software.amazon.awssdk.annotations.SdkProtectedApi")) {
            jars.add(Path.of(Class.forName(type).getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        return jars;
    }

    private void compileHandler(List<String> jars) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "the tests need a JDK (javac), not a JRE");
        Path source = Files.createDirectories(dir.resolve("src/example")).resolve("Hello.java");
        Files.writeString(source, HANDLER);
        int status = javac.run(null, null, null, "-d", dir.toString(), "-cp", jars.get(1), source.toString());
        assertEquals(0, status, "the handler compiles against aws-lambda-java-core");
    }

    private static void awaitHealthy(WatchdogProcess w) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (w.send(HttpRequest.newBuilder(w.uri("/_/health")).GET()).statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the Java runtime never asked for an invocation; the log:\n" + w.log());
            }
            Thread.sleep(50);
        }
    }
}
