package io.microcdi.cdi.app;

import io.microcdi.annotation.MicroClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A bean with a client injection point, as an application would have. */
@ApplicationScoped
public class EchoCaller {

    @Inject
    @MicroClient("echo")
    EchoApi echo;

    public EchoApi echo() {
        return echo;
    }
}
