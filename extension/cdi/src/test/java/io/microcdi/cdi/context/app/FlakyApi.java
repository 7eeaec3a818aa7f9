package io.microcdi.cdi.context.app;

import io.microcdi.annotation.Endpoint;

/** The client of {@link Flaky}. */
@Endpoint("Flaky")
public interface FlakyApi {

    Msg once(Msg in);
}
