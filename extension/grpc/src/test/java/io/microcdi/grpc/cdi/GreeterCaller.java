package io.microcdi.grpc.cdi;

import io.microcdi.annotation.MicroClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A bean calling {@code greeter-cdi} through an injected {@code @MicroClient}, as an application would. */
@ApplicationScoped
public class GreeterCaller {

    @Inject
    @MicroClient("greeter-cdi")
    GreeterApi greeter;

    public GreeterApi greeter() {
        return greeter;
    }
}
