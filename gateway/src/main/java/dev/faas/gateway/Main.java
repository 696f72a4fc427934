package dev.faas.gateway;

/** Entry point of the gateway. Its features arrive with the gateway issue. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("level=info msg=\"faas gateway: not implemented yet\"");
    }
}
