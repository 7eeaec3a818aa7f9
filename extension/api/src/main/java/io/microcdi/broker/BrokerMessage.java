package io.microcdi.broker;

import io.microcdi.metadata.Metadata;

import java.util.Objects;

/**
 * A published message: headers ({@code Content-Type}, {@code Micro-Topic}, {@code Micro-Id}, ...) and a body.
 *
 * <pre>{@code
 * new BrokerMessage(Metadata.of("Content-Type", "application/json"), json)
 * }</pre>
 *
 * @param header the headers
 * @param body   the encoded payload
 */
public record BrokerMessage(Metadata header, byte[] body) {

    public BrokerMessage {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(body, "body");
    }
}
