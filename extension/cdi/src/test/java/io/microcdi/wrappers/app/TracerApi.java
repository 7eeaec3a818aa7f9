package io.microcdi.wrappers.app;

import io.microcdi.annotation.Endpoint;

/** The client view of {@link Tracer}. */
@Endpoint("Tracer")
public interface TracerApi {

    Words look();

    Words relay();

    Words relayTraced();
}
