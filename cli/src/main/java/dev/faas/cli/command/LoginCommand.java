package dev.faas.cli.command;

import dev.faas.cli.CliFailure;
import dev.faas.cli.Exit;
import dev.faas.cli.Session;
import dev.faas.cli.gateway.Credentials;
import dev.faas.cli.gateway.GatewayClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "login", description = {"Check the gateway's credentials and keep them for it (in "
        + "$HOME/.faas/config.yml, mode 0600).",
        "FAAS_PASSWORD (and FAAS_USER) in the environment are used instead when set."})
public final class LoginCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-u", "--username"}, defaultValue = "admin", description = "Default: admin.")
    String user;

    @Option(names = {"-s", "--password-stdin"}, description = "Read the password from stdin (one line).")
    boolean passwordStdin;

    @Option(names = {"-p", "--password"}, description = "The password (visible to other users in ps: prefer "
            + "--password-stdin).")
    String password;

    @Override
    public Integer call() throws IOException {
        Session session = Session.of(spec);
        if (passwordStdin == (password != null)) {
            throw CliFailure.usage("give the password one way: printf '%s' \"$PASSWORD\" | faas login -u "
                    + user + " --password-stdin");
        }
        String secret = passwordStdin ? firstLine(System.in.readAllBytes()) : password;
        if (secret.isEmpty()) {
            throw CliFailure.usage("the password is empty");
        }
        if (password != null) {
            session.err().println("warning: a password on the command line is visible to other users: "
                    + "use --password-stdin");
        }
        URI gatewayUri = session.gateway();
        Credentials credentials = new Credentials(user, secret);
        GatewayClient gateway = new GatewayClient(gatewayUri, Optional.of(credentials));
        HttpResponse<byte[]> r = gateway.send(gateway.system("/system/functions").GET().build());
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new CliFailure(Exit.AUTH_REFUSED, "login: the gateway at " + gatewayUri + " refused " + user
                    + "'s password (" + r.statusCode() + "): nothing was saved; check it (for a stack of this "
                    + "repository, scripts/up.sh --show-password prints it)");
        }
        if (r.statusCode() / 100 != 2) {
            throw gateway.refusal("login", r.statusCode(), r.body());
        }
        session.credentialStore().store(gatewayUri, credentials);
        session.out().println("credentials for " + gatewayUri + " saved in " + session.credentialStore().file());
        session.out().flush();
        return 0;
    }

    /** What a pipe or a here-string gives: the password without its line end. */
    static String firstLine(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
}
