package io.microcdi.cdi.context.app;

import io.microcdi.annotation.MicroClient;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** The test's clients. */
@Singleton
public class Callers {

    @Inject
    @MicroClient("inspector")
    public InspectorApi inspector;

    @Inject
    @MicroClient("inspector")
    public PlainInspectorApi plain;

    @Inject
    @MicroClient("flaky")
    public FlakyApi flaky;
}
