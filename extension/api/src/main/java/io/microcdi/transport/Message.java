package io.microcdi.transport;

import io.microcdi.metadata.Metadata;

import java.util.Objects;

/**
 * A request or a response on the transport: headers and an encoded body.
 *
 * <pre>{@code
 * new Message(Metadata.of("Content-Type", "application/json", "Micro-Endpoint", "Greeter.Hello"), bytes)
 * }</pre>
 *
 * @param header the headers
 * @param body   the encoded body (not copied: do not change it after handing it over)
 */
public record Message(Metadata header, byte[] body) {

    private static final byte[] EMPTY = new byte[0];

    public Message {
        Objects.requireNonNull(header, "header");
        body = body == null ? EMPTY : body;
    }
}
