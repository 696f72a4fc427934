package dev.faas.template;

/**
 * The one thing a function written with this template implements, in a class named {@code function.Handler}
 * with a public no-argument constructor. One instance serves every call, from several threads at once, for as long
 * as the container runs: keep expensive things (clients, caches, parsed models) in its fields.
 */
public interface FunctionHandler {
    Response handle(Request request) throws Exception;
}
