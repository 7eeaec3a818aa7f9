package io.microcdi.config;

/**
 * A configuration value is wrong; the message names the key, the value and the allowed values.
 *
 * <pre>{@code
 * throw new ConfigException("micro.registry=foo (expected: one of mdns, memory)");
 * }</pre>
 */
public class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
