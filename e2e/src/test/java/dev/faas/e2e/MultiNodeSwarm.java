package dev.faas.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * scripts/multinode.sh as a test fixture: a real 3-node swarm (node 1 the manager, 2 and 3 workers) of
 * Docker-in-Docker nodes on an internal bridge, with the host's swarm left alone. The host reaches the nodes only on
 * that bridge (their own addresses, e.g. a port the gateway publishes on the manager) and drives their daemons
 * through the unix socket each node keeps in a host directory; overlay addresses are never called from the host.
 * {@link #close} removes the nodes, their volumes, the network and the blackhole route.
 */
final class MultiNodeSwarm implements AutoCloseable {
    static final int NODES = 3;
    /** The manager's address on the nodes' bridge (MULTINODE_SUBNET's .11), where the gateway publishes. */
    static final String MANAGER = "172.29.232.11";

    private final Map<Integer, String> sockets = new java.util.HashMap<>();

    private MultiNodeSwarm() {
    }

    /** Starts the nodes, forms the swarm, and copies {@code everywhere} into every node, {@code manager} into 1. */
    static MultiNodeSwarm start(List<String> everywhere, List<String> manager) {
        MultiNodeSwarm swarm = new MultiNodeSwarm();
        script(Duration.ofMinutes(3), "down");
        script(Duration.ofMinutes(3), "up");
        List<String> all = new ArrayList<>(List.of("load"));
        all.addAll(everywhere);
        script(Duration.ofMinutes(5), all.toArray(String[]::new));
        List<String> first = new ArrayList<>(List.of("load", "--node", "1"));
        first.addAll(manager);
        script(Duration.ofMinutes(5), first.toArray(String[]::new));
        for (int n = 1; n <= NODES; n++) {
            swarm.sockets.put(n, script(Duration.ofSeconds(10), "socket", Integer.toString(n)).trim());
        }
        return swarm;
    }

    /** DOCKER_HOST for node {@code n}'s daemon. */
    String dockerHost(int n) {
        return sockets.get(n);
    }

    static String name(int n) {
        return "faasnode" + n;
    }

    /** A docker CLI command against node {@code n}'s daemon that must succeed; its output, trimmed. */
    String docker(int n, String... args) {
        Cli.Result r = dockerResult(n, args);
        if (!r.ok()) {
            throw new AssertionError("docker " + String.join(" ", args) + " on " + name(n) + " failed: " + r.output());
        }
        return r.output().trim();
    }

    Cli.Result dockerResult(int n, String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return Cli.run(ProjectFiles.root(), Map.of("DOCKER_HOST", dockerHost(n)), Duration.ofMinutes(2),
                command.toArray(String[]::new));
    }

    /**
     * GET {@code path} of node {@code n}'s Engine API (through its socket, with curl), for what the CLI shows only
     * in parts; {@code filters} is the JSON of the {@code filters} query.
     */
    String api(int n, String path, String filters) {
        String socket = dockerHost(n).substring("unix://".length());
        Cli.Result r = Cli.run(ProjectFiles.root(), Map.of(), Duration.ofSeconds(30), "curl", "-sf", "--unix-socket",
                socket, "-G", "--data-urlencode", "filters=" + filters, "http://docker" + path);
        if (!r.ok()) {
            throw new AssertionError("GET " + path + " on " + name(n) + " failed (curl exit " + r.exitCode() + "): "
                    + r.output());
        }
        return r.output();
    }

    /** The node's own container, as the host's Docker sees it: killed, started. */
    void kill(int n) {
        Cli.docker("kill", name(n));
    }

    void startAgain(int n) {
        Cli.docker("start", name(n));
    }

    private static String script(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of("scripts/multinode.sh"));
        command.addAll(List.of(args));
        Cli.Result r = Cli.run(ProjectFiles.root(), Map.of(), timeout, command.toArray(String[]::new));
        if (!r.ok()) {
            throw new AssertionError("scripts/multinode.sh " + String.join(" ", args) + " failed:\n" + r.output());
        }
        return r.output();
    }

    @Override
    public void close() {
        script(Duration.ofMinutes(3), "down");
    }
}
