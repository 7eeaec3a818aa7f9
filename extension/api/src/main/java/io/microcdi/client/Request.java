package io.microcdi.client;

import io.microcdi.metadata.Metadata;

import java.util.Objects;

/**
 * One call: the service, the endpoint, the encoded body and the headers to send with it.
 *
 * <pre>{@code
 * new Request("greeter", "Greeter.Hello", "application/json", "{\"name\":\"John\"}".getBytes(UTF_8), Metadata.empty())
 * }</pre>
 *
 * @param service     the service name
 * @param endpoint    {@code Handler.Method}
 * @param contentType the content type of {@code body}
 * @param body        the encoded request
 * @param metadata    headers sent along (keys as given)
 */
public record Request(String service, String endpoint, String contentType, byte[] body, Metadata metadata) {

    public Request {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        metadata = metadata == null ? Metadata.empty() : metadata;
    }

    /** A copy with other metadata. */
    public Request withMetadata(Metadata metadata) {
        return new Request(service, endpoint, contentType, body, metadata);
    }
}
