package dev.faas.gateway.provider;

import java.time.Instant;

/**
 * A replica that could not start or stopped on its own, as the orchestrator tells it.
 *
 * @param reason the orchestrator's own words, e.g. "No such image: faas/x:latest" or "task: non-zero exit (137)"
 * @param at     when it happened (the orchestrator's clock)
 */
public record StartFailure(String reason, Instant at) {}
