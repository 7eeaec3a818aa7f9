package io.microcdi.cdi.context.app;

import io.microcdi.annotation.Endpoint;

/** Another client of {@link Inspector}, naming no wrapper and binding no interceptor. */
@Endpoint("Inspector")
public interface PlainInspectorApi {

    View inspect(Msg in);

    @Endpoint("Inspector.Inspect")
    java.util.concurrent.CompletionStage<View> inspectAsync(Msg in);
}
