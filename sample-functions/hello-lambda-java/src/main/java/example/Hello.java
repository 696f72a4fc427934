package example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Lambda handler as AWS documents one. The event's "action" lets the tests reach every outcome of an invocation
 * through the same handler: "fail" throws, "sleep" outlasts a timeout given in "ms", "exit" ends the runtime.
 */
public final class Hello implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Object name = event == null ? null : event.get("name");
        Object action = event == null ? null : event.get("action");
        context.getLogger().log("hello-lambda-java got " + event + "\n");
        if ("fail".equals(action)) {
            throw new IllegalStateException("asked to fail");
        }
        if ("sleep".equals(action)) {
            try {
                Thread.sleep(((Number) event.getOrDefault("ms", 10_000)).longValue());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if ("exit".equals(action)) {
            System.exit(3);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("greeting", "hello " + (name == null ? "world" : name));
        answer.put("requestId", context.getAwsRequestId());
        answer.put("functionName", context.getFunctionName());
        answer.put("memoryLimitInMB", context.getMemoryLimitInMB());
        answer.put("remainingTimeInMillis", context.getRemainingTimeInMillis());
        answer.put("clientContext", context.getClientContext() == null ? null : context.getClientContext().getCustom());
        answer.put("pid", ProcessHandle.current().pid());
        return answer;
    }
}
