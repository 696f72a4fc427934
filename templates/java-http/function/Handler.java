package function;

import dev.faas.template.FunctionHandler;
import dev.faas.template.Request;
import dev.faas.template.Response;

/** Replace this with your function. It answers "Hello, <body or ?name=>". */
public final class Handler implements FunctionHandler {
    @Override
    public Response handle(Request request) {
        String name = request.queryParameter("name");
        if (name == null) {
            name = request.bodyAsString().isBlank() ? "world" : request.bodyAsString().trim();
        }
        return Response.ok("Hello, " + name + "\n");
    }
}
