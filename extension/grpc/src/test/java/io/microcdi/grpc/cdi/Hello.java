package io.microcdi.grpc.cdi;

/** The request of {@link Greeter}. */
public record Hello(String name) {
}
