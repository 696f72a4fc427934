package dev.faas.watchdog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A custom Lambda runtime for the tests, written into a task directory: {@code bootstrap} is AWS's shell tutorial
 * loop (docs.aws.amazon.com/lambda/latest/dg/runtimes-walkthrough.html) in POSIX sh with curl, and
 * {@code function.sh} a handler whose event says what to do, so one runtime serves every case.
 * <p>
 * Marker files in the task directory change its start: {@code init-error} makes it post init/error and exit,
 * {@code hang-init} holds it before its first next for as long as the file exists, {@code abandon-polls} makes it
 * give up three long polls on next (curl --max-time 0.5), touch {@code abandoned} and wait half a second before it
 * asks again.
 */
final class LambdaRuntimes {
    /** The tutorial's loop; the answer is posted from a file so that it keeps its newlines. */
    static final String BOOTSTRAP = String.join("\n",
            "#!/bin/sh",
            "set -eu",
            "command -v curl >/dev/null || { echo 'the test runtime needs curl' >&2; exit 1; }",
            "API=\"http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime\"",
            "TASK=\"$LAMBDA_TASK_ROOT\"",
            "if [ -e \"$TASK/init-error\" ]; then",
            "  curl -sS -o /dev/null -X POST \"$API/init/error\" -H 'Lambda-Runtime-Function-Error-Type: Runtime.TestInit'"
                    + " --data-binary '{\"errorMessage\":\"cannot initialise: the test says so\",\"errorType\":"
                    + "\"Runtime.TestInit\"}'",
            "  exit 1",
            "fi",
            "while [ -e \"$TASK/hang-init\" ]; do sleep 0.02; done",
            "echo \"init done in $$\"",
            ". \"$TASK/$(echo \"$_HANDLER\" | cut -d. -f1).sh\"",
            "if [ -e \"$TASK/abandon-polls\" ]; then",
            "  for i in 1 2 3; do curl -s --max-time 0.5 -o /dev/null \"$API/invocation/next\" || true; done",
            "  touch \"$TASK/abandoned\"; sleep 0.5",
            "fi",
            "HEADERS=\"$TASK/headers-$$\"",
            "EVENT=\"$TASK/event-$$\"",
            "ANSWER=\"$TASK/answer-$$\"",
            "while true",
            "do",
            "  curl -sS -D \"$HEADERS\" -o \"$EVENT\" \"$API/invocation/next\"",
            "  REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id \"$HEADERS\" | tr -d '[:space:]' | cut -d: -f2)",
            "  POST=response",
            "  \"$(echo \"$_HANDLER\" | cut -d. -f2)\" \"$REQUEST_ID\" \"$EVENT\" \"$ANSWER\"",
            "  if [ \"$POST\" = response ]; then",
            "    curl -sS -o /dev/null \"$API/invocation/$REQUEST_ID/response\" --data-binary \"@$ANSWER\"",
            "  fi",
            "done",
            "");

    /** The handler: the event's text picks the behaviour; anything else is echoed back. */
    static final String FUNCTION = String.join("\n",
            "handler () {",
            "  REQUEST_ID=$1; EVENT_FILE=$2; ANSWER=$3",
            "  BODY=$(cat \"$EVENT_FILE\")",
            "  case \"$BODY\" in",
            "    pid) printf '%s' \"$$\" > \"$ANSWER\" ;;",
            "    env) env > \"$ANSWER\"; echo \"PWD=$(pwd)\" >> \"$ANSWER\" ;;",
            "    headers) tr -d '\\r' < \"$HEADERS\" > \"$ANSWER\" ;;",
            "    log) echo \"function line for $REQUEST_ID\"; echo \"stderr line for $REQUEST_ID\" >&2;"
                    + " printf 'logged' > \"$ANSWER\" ;;",
            "    fail) POST=none; curl -sS -o /dev/null \"$API/invocation/$REQUEST_ID/error\""
                    + " -H 'Lambda-Runtime-Function-Error-Type: TestError'"
                    + " --data-binary '{\"errorMessage\":\"it failed\",\"errorType\":\"TestError\",\"stackTrace\":[\"a\",\"b\"]}' ;;",
            "    failtext) POST=none; curl -sS -o /dev/null \"$API/invocation/$REQUEST_ID/error\""
                    + " -H 'Lambda-Runtime-Function-Error-Type: Custom.Text' --data-binary 'plain words' ;;",
            "    sleep) sleep 600 ;;",
            "    exit) exit 3 ;;",
            "    skip) POST=none ;;",
            "    twice) POST=none; curl -sS -o /dev/null \"$API/invocation/$REQUEST_ID/response\" --data-binary first;",
            "      again=$(curl -s -o /dev/null -w '%{http_code}' \"$API/invocation/$REQUEST_ID/response\" --data-binary second)",
            "      stale=$(curl -s -o /dev/null -w '%{http_code}' \"$API/invocation/not-an-id/response\" --data-binary x)",
            "      unknown=$(curl -s -o /dev/null -w '%{http_code}' \"$API/no/such/path\")",
            "      echo \"$again $stale $unknown\" > \"$TASK/twice.tmp\"; mv \"$TASK/twice.tmp\" \"$TASK/twice\" ;;",
            "    barrier) touch \"$TASK/barrier-$$\";",
            "      while [ \"$(ls \"$TASK\" | grep -c '^barrier-' || true)\" -lt 2 ]; do sleep 0.01; done;",
            "      printf '%s' \"$$\" > \"$ANSWER\" ;;",
            "    hold) touch \"$TASK/held\"; while [ ! -e \"$TASK/release\" ]; do sleep 0.01; done;"
                    + " printf 'released' > \"$ANSWER\" ;;",
            "    *'\"rawPath\":\"/proxy\"'*) printf '%s' '{\"statusCode\":201,\"headers\":{\"X-Test\":\"yes\","
                    + "\"Content-Type\":\"text/plain\"},\"multiValueHeaders\":{\"X-Multi\":[\"1\",\"2\"]},"
                    + "\"cookies\":[\"a=1\",\"b=2\"],\"body\":\"aGVsbG8=\",\"isBase64Encoded\":true}' > \"$ANSWER\" ;;",
            "    *) cp \"$EVENT_FILE\" \"$ANSWER\" ;;",
            "  esac",
            "}",
            "");

    private LambdaRuntimes() {}

    /** Writes bootstrap and function.sh into {@code taskRoot} (use _HANDLER=function.handler). */
    static void write(Path taskRoot) throws IOException {
        Path bootstrap = taskRoot.resolve("bootstrap");
        Files.writeString(bootstrap, BOOTSTRAP);
        Files.setPosixFilePermissions(bootstrap, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(taskRoot.resolve("function.sh"), FUNCTION);
    }
}
