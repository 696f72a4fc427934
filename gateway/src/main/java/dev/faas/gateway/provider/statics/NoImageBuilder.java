package dev.faas.gateway.provider.statics;

import dev.faas.gateway.build.BuildException;
import dev.faas.gateway.build.ImageBuilder;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/** With provider=static there is no engine to build on: every build is refused, saying so. */
public final class NoImageBuilder implements ImageBuilder {
    private static BuildException none() {
        return new BuildException(501, "this gateway has no builder (provider=static): deploy on Swarm", "");
    }

    @Override
    public String imageId(String reference) throws BuildException {
        throw none();
    }

    @Override
    public void build(Path contextTar, String tag, Map<String, String> buildArgs, Consumer<String> log)
            throws BuildException {
        throw none();
    }

    @Override
    public String distribute(String tag, Consumer<String> log) throws BuildException {
        throw none();
    }

    @Override
    public int reapStale() {
        return 0; // nothing was ever built here
    }
}
