package io.microcdi.quarkus.deployment;

import io.microcdi.annotation.MicroClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A bean that calls the greeter through an injected {@code @MicroClient}, as an application would. */
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
