package io.microcdi.lifecycle;

import java.util.List;
import java.util.Objects;

/**
 * Fired once the server listens, its services are registered and the subscribers subscribed: Go Micro's
 * {@code micro.AfterStart(fn)}. An observer that throws aborts the start: what was started is undone (the services
 * deregistered, the subscriptions ended, the port closed) and the start fails with {@link StartAbortedException}.
 *
 * <pre>{@code
 * void announce(@Observes AfterStart started) {
 *     log.info("serving " + started.services() + " on " + started.address());
 * }
 * }</pre>
 *
 * @param address  the address the server listens on, {@code host:port}; {@code ""} when the process serves no
 *                 service (it only subscribes)
 * @param services the names of the services served, in discovery order
 */
public record AfterStart(String address, List<String> services) {

    public AfterStart {
        Objects.requireNonNull(address, "address");
        services = List.copyOf(Objects.requireNonNull(services, "services"));
    }
}
