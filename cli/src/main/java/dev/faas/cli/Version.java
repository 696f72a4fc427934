package dev.faas.cli;

import picocli.CommandLine.IVersionProvider;

/** The CLI's version: the jar manifest's Implementation-Version (no file to open at start), "dev" outside the jar. */
public final class Version {
    private Version() {
    }

    public static String cli() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** For {@code faas --version}. */
    public static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"faas CLI " + cli()};
        }
    }
}
