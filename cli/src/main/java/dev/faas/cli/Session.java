package dev.faas.cli;

import dev.faas.cli.gateway.CredentialStore;
import dev.faas.cli.gateway.Credentials;
import dev.faas.cli.gateway.GatewayAddress;
import dev.faas.cli.gateway.GatewayClient;
import dev.faas.cli.stack.FunctionsFile;
import dev.faas.cli.stack.FunctionsFileReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What a command works with: the global options, the environment, the functions file (read once, its warnings
 * printed once), the gateway and its credentials. Everything is found on first use, so a command pays only for
 * what it needs.
 */
public final class Session {
    public static final String DEFAULT_FILE = "stack.yml";

    private final FaasCommand options;
    private final Map<String, String> env;
    private final PrintWriter out;
    private final PrintWriter err;
    private FunctionsFile file;
    private boolean warned;
    private URI gateway;
    private GatewayClient client;

    Session(FaasCommand options, Map<String, String> env, PrintWriter out, PrintWriter err) {
        this.options = options;
        this.env = env;
        this.out = out;
        this.err = err;
    }

    /** The session of a command, from the root command's options (picocli set them, wherever they were typed). */
    public static Session of(CommandSpec spec) {
        FaasCommand root = (FaasCommand) spec.root().userObject();
        return new Session(root, System.getenv(), spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    public boolean json() {
        return options.json;
    }

    public boolean verbose() {
        return options.verbose;
    }

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }

    public Map<String, String> env() {
        return env;
    }

    /** -f, else stack.yml in the working directory. */
    public Path functionsFilePath() {
        return Path.of(options.file == null ? DEFAULT_FILE : options.file);
    }

    /** The functions file, which must exist; its warnings are printed the first time a command asks for it. */
    public FunctionsFile functionsFile() {
        FunctionsFile f = read();
        if (!warned) {
            warned = true;
            f.warnings().forEach(w -> err.println("warning: " + w));
            err.flush();
        }
        return f;
    }

    private FunctionsFile read() {
        if (file == null) {
            file = new FunctionsFileReader(env).read(functionsFilePath());
        }
        return file;
    }

    /**
     * --gateway, OPENFAAS_URL, the file's provider.gateway, the default. The file is read for it when -f names it,
     * or quietly when a stack.yml happens to be here (it may be a Docker stack file, not ours: then it is no help).
     */
    public URI gateway() {
        if (gateway == null) {
            String fromFile = null;
            boolean asked = options.gateway != null || env.get("OPENFAAS_URL") != null;
            if (!asked && options.file != null) {
                fromFile = functionsFile().provider().gateway();
            } else if (!asked && Files.isRegularFile(functionsFilePath())) {
                try {
                    fromFile = read().provider().gateway();
                } catch (CliFailure notOurs) {
                    fromFile = null;
                }
            }
            gateway = GatewayAddress.resolve(options.gateway, env, fromFile);
        }
        return gateway;
    }

    /** The gateway the user named (--gateway, else OPENFAAS_URL), or null: what a new functions file records. */
    public String gatewayGiven() {
        return options.gateway != null ? options.gateway : env.get("OPENFAAS_URL");
    }

    public CredentialStore credentialStore() {
        return CredentialStore.forUser(env);
    }

    /** FAAS_PASSWORD (user FAAS_USER, default admin) when set, else what faas login stored for this gateway. */
    public Optional<Credentials> credentials() {
        String password = env.get("FAAS_PASSWORD");
        if (password != null && !password.isEmpty()) {
            return Optional.of(new Credentials(env.getOrDefault("FAAS_USER", "admin"), password));
        }
        return credentialStore().credentialsFor(gateway());
    }

    public GatewayClient gatewayClient() {
        if (client == null) {
            client = new GatewayClient(gateway(), credentials());
        }
        return client;
    }

    /** Where a function is called: what a user can paste into curl. */
    public String functionUrl(String name) {
        return gateway() + "/function/" + name;
    }
}
