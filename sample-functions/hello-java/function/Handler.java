package function;

import dev.faas.template.FunctionHandler;
import dev.faas.template.Request;
import dev.faas.template.Response;
import java.util.concurrent.atomic.AtomicLong;

/**
 * hello-java: greets the name in ?name= or the body, and says which call of this warm process it is, so a caller
 * can see the process outlives requests (the fork modes would always say call 1).
 *   curl -s 'http://127.0.0.1:8080/function/hello-java?name=Ada'   ->  Hello, Ada (call 3 of process 12)
 */
public final class Handler implements FunctionHandler {
    private final AtomicLong calls = new AtomicLong();
    private final long pid = ProcessHandle.current().pid();

    @Override
    public Response handle(Request request) {
        if (request.path().equals("/fail")) {
            throw new IllegalStateException("asked to fail");
        }
        String name = request.queryParameter("name");
        if (name == null) {
            name = request.bodyAsString().isBlank() ? "world" : request.bodyAsString().trim();
        }
        return Response.ok("Hello, " + name + " (call " + calls.incrementAndGet() + " of process " + pid + ")\n")
                .withHeader("X-Function", "hello-java");
    }
}
