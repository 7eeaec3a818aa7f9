package io.microcdi.examples.liberty;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The JAX-RS application: resources under {@code /api}. */
@ApplicationPath("/api")
public class GreeterApplication extends Application {
}
