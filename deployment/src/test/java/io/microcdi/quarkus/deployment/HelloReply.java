package io.microcdi.quarkus.deployment;

/** {@code {"greeting":"Hello John"}}. */
public record HelloReply(String greeting) {
}
