package dev.faas.gateway.it;

import static dev.faas.gateway.it.GatewayClient.status;
import static dev.faas.gateway.it.GatewayClient.waitFor;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * A test class's own gateway: the gateway image as a Swarm service with basic auth (stack secrets for its
 * credentials), docker.sock mounted, published on 127.0.0.1. Functions the tests deploy through the API carry the
 * stack's name in a label ({@link #deployment}) and, like secrets named after the stack, are removed afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SecuredGateway {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String USER = "admin";
    final String password = "pw-" + Long.toHexString(System.nanoTime());
    SwarmStack stack;
    GatewayClient gw;

    abstract String prefix();

    @BeforeAll
    void deploy() throws Exception {
        Cli.requireImages(List.of("faas/gateway", "faas/watchdog", "faas/catservice"));
        stack = new SwarmStack(prefix());
        gw = new GatewayClient(stack.port, USER, password);
        stack.secret("basic-auth-user", USER + "\n").secret("basic-auth-password", password)
                .gateway("basic_auth: \"true\", docker_timeout: 10s", List.of("basic-auth-user", "basic-auth-password"))
                .deploy();
        waitFor("the gateway answers", Duration.ofSeconds(60), () -> status(gw.call("GET", "/healthz", null, null)) == 200);
    }

    @AfterAll
    void remove() {
        if (stack == null) {
            return;
        }
        stack.keepGatewayLog(); // the gateway carries the test label too: removed below
        String services = Cli.quietly("docker", "service", "ls", "-q", "--filter", "label=dev.faas.test=" + stack.name);
        for (String id : services.lines().filter(l -> !l.isBlank()).toList()) {
            Cli.quietly("docker", "service", "rm", id.strip());
        }
        String secrets = Cli.quietly("docker", "secret", "ls", "-q", "--filter", "name=" + stack.name);
        stack.close();
        for (String id : secrets.lines().filter(l -> !l.isBlank()).toList()) {
            Cli.quietly("docker", "secret", "rm", id.strip());
        }
    }

    /** A FunctionDeployment as JSON, labelled for clean-up; {@code envVars} and {@code labels} are JSON objects. */
    String deployment(String name, String image, String envProcess, String envVars, String labels) {
        String withTest = labels.replaceFirst("\\{", "{\"dev.faas.test\": \"" + stack.name + "\""
                + (labels.strip().equals("{}") ? "" : ", "));
        return """
                {"service": "%s", "image": "%s", "envProcess": "%s", "envVars": %s, "labels": %s,
                 "annotations": {"topic": "api-test"}}""".formatted(name, image, envProcess, envVars, withTest);
    }

    int replicas(String fn) throws Exception {
        return JSON.readTree(gw.api("GET", "/system/function/" + fn, null).body()).path("replicas").asInt();
    }
}
