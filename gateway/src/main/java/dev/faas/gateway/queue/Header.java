package dev.faas.gateway.queue;

/** One HTTP header line of a queued call or of its answer, as it was sent. */
public record Header(String name, String value) {}
