package io.microcdi.examples.greeter;

import io.microcdi.annotation.MicroClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * A bean that calls the greeter through an injected {@code @MicroClient}: what any caller of a service writes.
 *
 * <pre>{@code
 * caller.greet("John")   // "Hello John", from whichever greeter node the selector picked
 * }</pre>
 */
@ApplicationScoped
public class GreeterCaller {

    @Inject
    @MicroClient("greeter")
    GreeterApi greeter;

    /** Asks the greeter to greet {@code name}. */
    public String greet(String name) {
        return greeter.hello(new HelloRequest(name)).greeting();
    }
}
