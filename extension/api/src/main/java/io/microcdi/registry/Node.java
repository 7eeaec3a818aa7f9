package io.microcdi.registry;

import java.util.Map;
import java.util.Objects;

/**
 * One instance of a service: where it listens and what it says about itself.
 *
 * <pre>{@code
 * new Node("greeter-5f1c...", "127.0.0.1:38211", Map.of("protocol", "mucp", "transport", "http"));
 * }</pre>
 *
 * @param id       unique node id, {@code <service>-<uuid>}
 * @param address  {@code host:port} ({@code [v6]:port} for IPv6)
 * @param metadata node metadata; MicroCDI servers set {@code protocol}, {@code transport}, {@code broker},
 *                 {@code registry} and {@code server}
 */
public record Node(String id, String address, Map<String, String> metadata) {

    public Node {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
