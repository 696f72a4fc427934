package dev.faas.gateway.queue;

/**
 * A function's answer to a queued call, to be posted to the call's callback URL.
 *
 * @param callId   the call's id (X-Call-Id)
 * @param function the function's name (X-Function-Name)
 * @param url      the callback URL
 * @param answer   the function's status (X-Function-Status), headers, body and duration (X-Duration-Seconds)
 * @param attempts how many tries the call took
 */
public record CallbackRequest(String callId, String function, String url, Answer answer, int attempts) {}
