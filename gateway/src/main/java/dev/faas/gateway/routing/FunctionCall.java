package dev.faas.gateway.routing;

import io.undertow.server.HttpServerExchange;

/**
 * Where routing hands a request once it knows the function's name. The exchange's resolved path is set to the part
 * of the request URI that names the function, so everything after it is what the function sees.
 */
@FunctionalInterface
public interface FunctionCall {
    void forward(HttpServerExchange exchange, String functionName) throws Exception;
}
