package io.microcdi.cdi.context.app;

import io.microcdi.annotation.Endpoint;
import io.microcdi.annotation.Wrap;

import java.util.concurrent.CompletionStage;

/** The client of {@link Inspector}: every call goes through the client-side interceptor and {@link TenantHeader}. */
@Endpoint("Inspector")
@ClientSide
@Wrap(TenantHeader.class)
public interface InspectorApi {

    View inspect(Msg in);

    View forward(Msg in);

    View relay(Msg in);

    @Endpoint("Inspector.Relay")
    CompletionStage<View> relayAsync(Msg in);

    View later(Msg in);

    Msg publish(Msg in);
}
