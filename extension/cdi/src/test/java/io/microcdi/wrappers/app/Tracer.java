package io.microcdi.wrappers.app;

import io.microcdi.annotation.MicroClient;
import io.microcdi.annotation.Service;
import io.microcdi.context.CallContext;
import io.microcdi.wrappers.TraceContext;
import io.microcdi.wrappers.TraceParent;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** Traced: tells the trace headers its handler sees, and what {@link Downstream} sees of its calls. */
@Service(name = "tracer")
@TraceContext
@Singleton
public class Tracer {

    @Inject
    CallContext call;

    @Inject
    @MicroClient("downstream")
    Instance<DownstreamApi> downstream;

    @Inject
    @MicroClient("downstream")
    Instance<TracedDownstreamApi> tracedDownstream;

    /** {@code traceparent|tracestate|TraceParent.current()}. */
    public Words look() {
        return new Words(Downstream.headers(call) + "|" + TraceParent.current().map(TraceParent::toString).orElse(""));
    }

    /** {@code this handler's traceparent#what Downstream saw of a call made from here}. */
    public Words relay() {
        return new Words(call.metadata().get("traceparent") + "#" + downstream.get().look().text());
    }

    /** The same, through a client with {@code TraceContextWrapper}. */
    public Words relayTraced() {
        return new Words(call.metadata().get("traceparent") + "#" + tracedDownstream.get().look().text());
    }
}
