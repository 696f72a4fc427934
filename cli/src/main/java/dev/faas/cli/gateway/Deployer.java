package dev.faas.cli.gateway;

import dev.faas.cli.CliFailure;
import dev.faas.cli.output.Json;
import dev.faas.cli.stack.FunctionSpec;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * Deploys an image that exists, as OpenFaaS clients do: POST /system/functions for a new function, PUT when
 * GET /system/function/name says it exists. Works against an OpenFaaS gateway too.
 */
public final class Deployer {
    private final GatewayClient gateway;

    public Deployer(GatewayClient gateway) {
        this.gateway = gateway;
    }

    /** @return "created" or "updated" */
    public String deploy(FunctionSpec f) {
        if (f.image() == null || f.image().isBlank()) {
            throw CliFailure.usage(f.name() + " has no image: set image: in the functions file (or a handler "
                    + "and lang, and run faas up to build it)");
        }
        boolean exists = exists(f.name());
        HttpResponse<byte[]> r = put(exists ? "PUT" : "POST", f);
        if (!exists && r.statusCode() == 409) {
            // Created meanwhile by someone else: an update is what was meant.
            exists = true;
            r = put("PUT", f);
        }
        if (r.statusCode() / 100 != 2) {
            throw gateway.refusal(f.name() + ": deploy", r.statusCode(), r.body());
        }
        return exists ? "updated" : "created";
    }

    public boolean exists(String name) {
        HttpResponse<byte[]> r = gateway.send(gateway.system("/system/function/"
                + URLEncoder.encode(name, StandardCharsets.UTF_8)).GET().build());
        if (r.statusCode() == 404) {
            return false;
        }
        if (r.statusCode() / 100 != 2) {
            throw gateway.refusal(name + ": deploy", r.statusCode(), r.body());
        }
        return true;
    }

    private HttpResponse<byte[]> put(String method, FunctionSpec f) {
        return gateway.send(gateway.system("/system/functions")
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(Json.compact(FunctionJson.deployment(f))))
                .build());
    }
}
