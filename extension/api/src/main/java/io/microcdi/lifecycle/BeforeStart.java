package io.microcdi.lifecycle;

import java.util.List;
import java.util.Objects;

/**
 * Fired before the server listens and before anything subscribes: Go Micro's {@code micro.BeforeStart(fn)}. An
 * observer that throws aborts the start ({@link StartAbortedException}): nothing listens, registers or subscribes.
 *
 * <pre>{@code
 * void migrate(@Observes BeforeStart start) {
 *     schema.migrate();          // throws: the process does not start, and says why
 * }
 * }</pre>
 *
 * @param services the names of the services about to be served, in discovery order; empty when the process only
 *                 subscribes
 */
public record BeforeStart(List<String> services) {

    public BeforeStart {
        services = List.copyOf(Objects.requireNonNull(services, "services"));
    }
}
