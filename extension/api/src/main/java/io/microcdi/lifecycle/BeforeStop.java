package io.microcdi.lifecycle;

import java.util.List;
import java.util.Objects;

/**
 * Fired when the process stops, before anything is undone: the services are still registered and serving, the
 * subscribers still subscribed. Go Micro's {@code micro.BeforeStop(fn)}. An observer that throws is logged and the
 * stop carries on, as Go Micro's does.
 *
 * <pre>{@code
 * void drainJobs(@Observes BeforeStop stop) {
 *     scheduler.shutdown();      // no new work while the node leaves
 * }
 * }</pre>
 *
 * <p>Fired only after a start that completed ({@link AfterStart} was fired and no observer of it threw).
 *
 * @param address  the address the server listens on; {@code ""} when the process serves no service
 * @param services the names of the services served
 */
public record BeforeStop(String address, List<String> services) {

    public BeforeStop {
        Objects.requireNonNull(address, "address");
        services = List.copyOf(Objects.requireNonNull(services, "services"));
    }
}
