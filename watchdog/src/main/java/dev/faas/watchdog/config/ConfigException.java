package dev.faas.watchdog.config;

/** A setting is missing or malformed; the message names the variable and says what a valid value looks like. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
