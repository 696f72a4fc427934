package dev.faas.gateway.build;

/** What a build tells its caller as it goes, on the build's thread. */
public interface BuildEvents {
    /** A stage: unpacked, template chosen, image exists, pushed, deployed. */
    void step(String message);

    /** One line of Docker's build output. */
    void log(String line);

    BuildEvents NONE = new BuildEvents() {
        @Override
        public void step(String message) {}

        @Override
        public void log(String line) {}
    };
}
