package dev.faas.cli.stack;

/** The file's {@code provider:} section; either value may be null. */
public record Provider(String name, String gateway) {
    public static final Provider NONE = new Provider(null, null);
}
