package io.microcdi.wrappers.app;

import io.microcdi.annotation.Endpoint;

/** The client view of {@link Plain}. */
@Endpoint("Plain")
public interface PlainApi {

    Words look();
}
