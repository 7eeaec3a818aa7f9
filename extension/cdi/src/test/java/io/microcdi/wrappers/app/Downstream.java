package io.microcdi.wrappers.app;

import io.microcdi.annotation.Service;
import io.microcdi.context.CallContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** No bindings: tells the trace headers a call to it carried. */
@Service(name = "downstream")
@Singleton
public class Downstream {

    @Inject
    CallContext call;

    /** {@code traceparent|tracestate}, {@code ""} for a missing one. */
    public Words look() {
        return new Words(headers(call));
    }

    static String headers(CallContext call) {
        return call.metadata().getOrDefault("traceparent", "") + "|" + call.metadata().getOrDefault("tracestate", "");
    }
}
