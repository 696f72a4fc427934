package dev.faas.gateway.provider;

import java.time.Instant;

/**
 * Whether the provider can currently see its orchestrator. When it cannot, the gateway keeps routing from the last
 * known state; this says since when that state may be stale.
 *
 * @param connected  the last call to the orchestrator succeeded
 * @param detail     a short human explanation ("docker unreachable: connection refused")
 * @param lastSync   when the state was last read in full successfully (null: never)
 */
public record ProviderHealth(boolean connected, String detail, Instant lastSync) {
    public static ProviderHealth ok(Instant lastSync) {
        return new ProviderHealth(true, "ok", lastSync);
    }
}
