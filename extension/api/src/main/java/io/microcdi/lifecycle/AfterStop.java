package io.microcdi.lifecycle;

import java.util.List;
import java.util.Objects;

/**
 * Fired once the process stopped serving: subscriptions ended, services deregistered, in-flight calls drained, the
 * port closed and the broker disconnected. Go Micro's {@code micro.AfterStop(fn)}. An observer that throws is logged,
 * as Go Micro's error is returned once the stop is done.
 *
 * <pre>{@code
 * void flush(@Observes AfterStop stopped) {
 *     metrics.flush();           // no call can arrive any more
 * }
 * }</pre>
 *
 * <p>Fired only after a start that completed, as {@link BeforeStop}.
 *
 * @param address  the address the server listened on; {@code ""} when the process served no service
 * @param services the names of the services served
 */
public record AfterStop(String address, List<String> services) {

    public AfterStop {
        Objects.requireNonNull(address, "address");
        services = List.copyOf(Objects.requireNonNull(services, "services"));
    }
}
