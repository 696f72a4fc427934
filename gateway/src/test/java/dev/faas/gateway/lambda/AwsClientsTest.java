package dev.faas.gateway.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.gateway.queue.Answer;
import dev.faas.gateway.queue.Header;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The door with AWS's own clients, unchanged, as users run them: Debian's python3-boto3 and awscli (/usr/bin), the
 * access key in the environment, the door as --endpoint-url. They sign with the real clock and parse the answers
 * (error codes from x-amzn-ErrorType, messages from the body). Where those clients are missing the tests fail, never
 * skip: scripts/client-tools.sh installs them.
 */
class AwsClientsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path AWS = Path.of("/usr/bin/aws");
    private final DoorUnderTest door = new DoorUnderTest();

    /** One boto3 call per line of argv[2:]: {"op", "args", "secret"?}; prints one JSON line for each. */
    private static final String BOTO3 = """
            import base64, json, sys
            import boto3
            from botocore.config import Config
            from botocore.exceptions import ClientError
            for spec in map(json.loads, sys.argv[2:]):
                c = boto3.session.Session(aws_access_key_id=spec.get("key", "%s"),
                        aws_secret_access_key=spec.get("secret", "%s")).client("lambda", endpoint_url=sys.argv[1],
                        region_name="us-east-1", config=Config(retries={"max_attempts": 1, "mode": "standard"}))
                try:
                    if spec["op"] == "paginate":
                        names = [f["FunctionName"] for page in c.get_paginator("list_functions").paginate(
                                 PaginationConfig={"PageSize": 2}) for f in page["Functions"]]
                        print(json.dumps({"names": names}))
                        continue
                    r = getattr(c, spec["op"])(**spec["args"])
                    if "Payload" in r:
                        r["Payload"] = r["Payload"].read().decode()
                    if r.get("LogResult"):
                        r["LogResult"] = base64.b64decode(r["LogResult"]).decode()
                    r["RequestId"] = r.pop("ResponseMetadata")["RequestId"]
                    print(json.dumps(r, default=str))
                except ClientError as e:
                    print(json.dumps({"error": e.response["Error"]["Code"], "message": e.response["Error"]["Message"],
                                      "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}))
            """.formatted(DoorUnderTest.KEY_ID, DoorUnderTest.SECRET);

    @BeforeEach
    void start() throws Exception {
        // Missing clients fail the test, never skip it: scripts/test.sh installs them (scripts/client-tools.sh).
        assertTrue(Files.isExecutable(AWS) && Files.isExecutable(PYTHON),
                "Debian's awscli and python3 are missing: run scripts/client-tools.sh");
        assertTrue(run(List.of(PYTHON.toString(), "-c", "import boto3")).exit == 0,
                "python3-boto3 is missing: run scripts/client-tools.sh");
        door.managed = false; // listed from the registry, as with the static provider
        door.add("fails");
        door.add("logs");
        door.answers.put("fails", c -> new Answer(500, List.of(new Header("X-Amz-Function-Error", "Unhandled")),
                "{\"errorMessage\":\"asked to fail\",\"errorType\":\"Error\"}".getBytes(StandardCharsets.UTF_8), 0));
        door.answers.put("logs", c -> new Answer(200, List.of(new Header("X-Amz-Log-Result",
                java.util.Base64.getEncoder().encodeToString("START RequestId: x\n".getBytes(StandardCharsets.UTF_8)))),
                "\"ok\"".getBytes(StandardCharsets.UTF_8), 0));
        door.start(Map.of(), null, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        door.close();
    }

    private String endpoint() {
        return "http://127.0.0.1:" + door.port;
    }

    private List<JsonNode> boto3(String... specs) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-c", BOTO3, endpoint()));
        command.addAll(List.of(specs));
        Result r = run(command);
        assertEquals(0, r.exit, r.output);
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.output.strip().split("\n")) {
            if (line.startsWith("{")) {
                out.add(JSON.readTree(line));
            }
        }
        assertEquals(specs.length, out.size(), r.output);
        return out;
    }

    @Test
    void boto3InvokesListsAndGetsAndReadsEveryErrorAsItsCode() throws Exception {
        String context = java.util.Base64.getEncoder().encodeToString("{\"custom\":{\"t\":1}}".getBytes());
        List<JsonNode> r = boto3(
                "{\"op\":\"invoke\",\"args\":{\"FunctionName\":\"echo\",\"Payload\":\"{\\\"hi\\\":1}\","
                        + "\"ClientContext\":\"" + context + "\"}}",
                "{\"op\":\"invoke\",\"args\":{\"FunctionName\":\"arn:aws:lambda:us-east-1:000000000000:function:logs\","
                        + "\"Qualifier\":\"$LATEST\",\"LogType\":\"Tail\"}}",
                "{\"op\":\"invoke\",\"args\":{\"FunctionName\":\"fails\",\"Payload\":\"{}\"}}",
                "{\"op\":\"invoke\",\"args\":{\"FunctionName\":\"echo\",\"InvocationType\":\"Event\",\"Payload\":\"[1]\"}}",
                "{\"op\":\"invoke\",\"args\":{\"FunctionName\":\"echo\",\"InvocationType\":\"DryRun\"}}",
                "{\"op\":\"invoke\",\"args\":{\"FunctionName\":\"nosuch\"}}",
                "{\"op\":\"invoke\",\"args\":{\"FunctionName\":\"echo:prod\"}}",
                "{\"op\":\"invoke\",\"args\":{\"FunctionName\":\"echo\",\"Payload\":\"not json\"}}",
                "{\"op\":\"invoke\",\"args\":{\"FunctionName\":\"echo\"},\"secret\":\"wrong-secret-0123456789\"}",
                "{\"op\":\"invoke\",\"args\":{\"FunctionName\":\"echo\"},\"key\":\"AKIANOSUCHKEY0000000\"}",
                "{\"op\":\"get_function\",\"args\":{\"FunctionName\":\"echo\"}}",
                "{\"op\":\"paginate\"}");
        assertEquals(200, r.get(0).path("StatusCode").asInt(), r.get(0).toString());
        assertEquals("{\"hi\":1}", r.get(0).path("Payload").asText());
        assertEquals("$LATEST", r.get(0).path("ExecutedVersion").asText());
        assertEquals(door.invoked.get(0).id(), r.get(0).path("RequestId").asText(), "x-amzn-RequestId is the call id");
        assertEquals(context, door.invoked.get(0).headers().stream().filter(h -> h.name().equals("X-Amz-Client-Context"))
                .findFirst().orElseThrow().value());
        assertEquals("START RequestId: x\n", r.get(1).path("LogResult").asText(), r.get(1).toString());
        assertEquals("{}", new String(door.invoked.get(1).body(), StandardCharsets.UTF_8), "no Payload: {}");
        assertEquals("Unhandled", r.get(2).path("FunctionError").asText(), r.get(2).toString());
        assertEquals(202, r.get(3).path("StatusCode").asInt(), r.get(3).toString());
        assertEquals("[1]", new String(door.queued.get(0).body(), StandardCharsets.UTF_8));
        assertEquals(204, r.get(4).path("StatusCode").asInt(), r.get(4).toString());
        assertEquals("ResourceNotFoundException", r.get(5).path("error").asText(), r.get(5).toString());
        assertEquals("Function not found: arn:aws:lambda:us-east-1:000000000000:function:nosuch",
                r.get(5).path("message").asText());
        assertEquals(404, r.get(5).path("status").asInt());
        assertEquals("ResourceNotFoundException", r.get(6).path("error").asText(), r.get(6).toString());
        assertEquals("InvalidRequestContentException", r.get(7).path("error").asText(), r.get(7).toString());
        assertEquals("InvalidSignatureException", r.get(8).path("error").asText(), r.get(8).toString());
        assertEquals("UnrecognizedClientException", r.get(9).path("error").asText(), r.get(9).toString());
        assertEquals("arn:aws:lambda:us-east-1:000000000000:function:echo",
                r.get(10).path("Configuration").path("FunctionArn").asText(), r.get(10).toString());
        assertEquals(List.of("echo", "fails", "logs"), JSON.convertValue(r.get(11).path("names"), List.class),
                "the paginator follows NextMarker");
    }

    @Test
    void awsCliInvokesAndListsAsItsDocumentationShows() throws Exception {
        Path out = Files.createTempFile("lambda-out", ".json");
        try {
            Result invoke = aws("lambda", "invoke", "--function-name", "echo", "--cli-binary-format",
                    "raw-in-base64-out", "--payload", "{\"cli\":true}", "--log-type", "Tail", out.toString());
            assertEquals(0, invoke.exit, invoke.output);
            JsonNode r = JSON.readTree(invoke.output);
            assertEquals(200, r.path("StatusCode").asInt(), invoke.output);
            assertEquals("$LATEST", r.path("ExecutedVersion").asText(), invoke.output);
            assertEquals("{\"cli\":true}", Files.readString(out));
            Result failed = aws("lambda", "invoke", "--function-name", "fails", out.toString());
            assertEquals("Unhandled", JSON.readTree(failed.output).path("FunctionError").asText(), failed.output);
            Result unknown = aws("lambda", "invoke", "--function-name", "nosuch", out.toString());
            assertTrue(unknown.exit != 0 && unknown.output.contains(
                    "An error occurred (ResourceNotFoundException) when calling the Invoke operation")
                    && unknown.output.contains(": Function not found: arn:aws:lambda:us-east-1:000000000000:function:nosuch"),
                    unknown.output);
            Result list = aws("lambda", "list-functions", "--query", "Functions[].FunctionName");
            assertEquals(0, list.exit, list.output);
            assertEquals(List.of("echo", "fails", "logs"), JSON.readValue(list.output, List.class));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private Result aws(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(AWS.toString(), "--endpoint-url", endpoint(), "--output", "json"));
        command.addAll(List.of(args));
        return run(command);
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("PYTHON"));
        env.putAll(new HashMap<>(Map.of("AWS_ACCESS_KEY_ID", DoorUnderTest.KEY_ID, "AWS_SECRET_ACCESS_KEY",
                DoorUnderTest.SECRET, "AWS_REGION", "us-east-1", "AWS_CONFIG_FILE", "/dev/null",
                "AWS_SHARED_CREDENTIALS_FILE", "/dev/null", "AWS_MAX_ATTEMPTS", "1", "AWS_PAGER", "",
                "AWS_EC2_METADATA_DISABLED", "true")));
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out: " + new String(output, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
