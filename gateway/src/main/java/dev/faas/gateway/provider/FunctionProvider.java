package dev.faas.gateway.provider;

/**
 * Discovery: keeps a {@link FunctionRegistry} current with the functions the orchestrator runs and their ready
 * replicas. Request handling only reads the registry, so it never waits on the orchestrator.
 * <p>
 * Management (deploy, update, delete, scale, secrets, logs) belongs to a second interface beside this one, implemented
 * by the same provider package; discovery alone is what routing needs.
 */
public interface FunctionProvider extends AutoCloseable {

    ProviderInfo info();

    /** Fills the registry and keeps it current in the background; returns without waiting for the first read. */
    void start(FunctionRegistry registry);

    ProviderHealth health();

    @Override
    void close();
}
