package io.microcdi.examples.quarkus.greeter;

/**
 * The request of {@code Greeter.Hello}: {@code {"name":"John"}}.
 *
 * @param name who to greet
 */
public record HelloRequest(String name) {
}
