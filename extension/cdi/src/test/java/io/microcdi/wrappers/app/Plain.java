package io.microcdi.wrappers.app;

import io.microcdi.annotation.Service;
import io.microcdi.context.CallContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** No bindings (configuration may add some): tells the trace headers its handler sees. */
@Service(name = "plain")
@Singleton
public class Plain {

    @Inject
    CallContext call;

    public Words look() {
        return new Words(Downstream.headers(call));
    }
}
