package dev.faas.gateway.provider;

/** What /system/info reports about the provider: {@code {"provider":"faas-swarm","orchestration":"swarm",...}}. */
public record ProviderInfo(String provider, String orchestration, String version) {}
