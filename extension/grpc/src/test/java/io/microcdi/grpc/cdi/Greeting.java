package io.microcdi.grpc.cdi;

/** The answer of {@link Greeter}: the greeting and the thread that made it. */
public record Greeting(String greeting, String thread) {
}
