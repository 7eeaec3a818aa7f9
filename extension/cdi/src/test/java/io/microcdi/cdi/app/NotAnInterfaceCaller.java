package io.microcdi.cdi.app;

import io.microcdi.annotation.MicroClient;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/** Injects a client of a class, which cannot be proxied. */
@Dependent
public class NotAnInterfaceCaller {

    @Inject
    @MicroClient("echo")
    Msg wrong;
}
