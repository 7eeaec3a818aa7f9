package io.microcdi.examples.liberty;

/**
 * The request of {@code Greeter.Hello}: {@code {"name":"John"}}.
 *
 * @param name who to greet
 */
public record HelloRequest(String name) {
}
