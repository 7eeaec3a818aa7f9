package io.microcdi.registry;

import java.util.Objects;

/**
 * One registry change: a node was created, updated or deleted.
 *
 * <pre>{@code
 * if (event.action() == RegistryEvent.Action.DELETE) forget(event.service().nodes());
 * }</pre>
 *
 * @param action  what happened
 * @param service the service, carrying the nodes the change is about
 */
public record RegistryEvent(Action action, Service service) {

    public RegistryEvent {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(service, "service");
    }

    /** Go Micro's result actions: {@code create}, {@code update}, {@code delete}. */
    public enum Action { CREATE, UPDATE, DELETE }
}
