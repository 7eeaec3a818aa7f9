package io.microcdi.quarkus.deployment;

/** {@code {"name":"John"}}. */
public record HelloRequest(String name) {
}
