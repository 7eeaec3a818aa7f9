package io.microcdi.client;

import io.microcdi.metadata.Metadata;

import java.util.Objects;

/**
 * The answer to a call: response headers and the encoded body.
 *
 * <pre>{@code
 * HelloReply reply = decoder.decode(response.body());
 * }</pre>
 *
 * @param header the response headers
 * @param body   the encoded response
 */
public record Response(Metadata header, byte[] body) {

    public Response {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(body, "body");
    }
}
