package dev.faas.cli.stack;

/** A function's memory and CPU, as faas-cli writes them ({@code memory: 128m}, {@code cpu: "0.5"}); null when unset. */
public record Resources(String memory, String cpu) {
    public static final Resources NONE = new Resources(null, null);

    public boolean isEmpty() {
        return memory == null && cpu == null;
    }
}
