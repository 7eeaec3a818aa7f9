package io.microcdi.wrappers.app;

import io.microcdi.annotation.Endpoint;

/** The client view of {@link Downstream}. */
@Endpoint("Downstream")
public interface DownstreamApi {

    Words look();
}
