package dev.faas.cli.command;

import dev.faas.cli.Session;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "logout", description = "Forget the credentials kept for the gateway.")
public final class LogoutCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Session session = Session.of(spec);
        boolean had = session.credentialStore().forget(session.gateway());
        session.out().println(had ? "credentials for " + session.gateway() + " removed"
                : "no credentials were kept for " + session.gateway());
        session.out().flush();
        return 0;
    }
}
