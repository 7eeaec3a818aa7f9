package io.microcdi.cdi.context.app;

import io.microcdi.annotation.Endpoint;

import java.util.concurrent.CompletionStage;

/** The client of {@link Downstream}. */
@Endpoint("Downstream")
public interface DownstreamApi {

    View look(Msg in);

    @Endpoint("Downstream.Look")
    CompletionStage<View> lookAsync(Msg in);
}
