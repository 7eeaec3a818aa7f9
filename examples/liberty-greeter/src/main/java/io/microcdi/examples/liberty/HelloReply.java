package io.microcdi.examples.liberty;

/**
 * The reply of {@code Greeter.Hello}: {@code {"greeting":"Hello John"}}.
 *
 * @param greeting the greeting
 */
public record HelloReply(String greeting) {
}
