package io.microcdi.wrappers.app;

import io.microcdi.annotation.Endpoint;
import io.microcdi.annotation.Wrap;
import io.microcdi.wrappers.TraceContextWrapper;

/** {@link Downstream} through {@link TraceContextWrapper}, then {@link FailFirstAttempt}. */
@Wrap({TraceContextWrapper.class, FailFirstAttempt.class})
@Endpoint("Downstream")
public interface TracedDownstreamApi {

    Words look();
}
