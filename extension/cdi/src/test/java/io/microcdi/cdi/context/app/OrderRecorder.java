package io.microcdi.cdi.context.app;

import io.microcdi.context.CallContext;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.InvocationContext;

/** Appends {@link #name()} to the call's {@code X-Order} metadata, then proceeds: the handler sees the order they ran in. */
public abstract class OrderRecorder {

    @Inject
    CallContext call;

    abstract String name();

    @AroundInvoke
    Object around(InvocationContext ctx) throws Exception {
        if (call.active()) { // not for a local call of the bean's method (a test reading its state)
            String order = call.metadata().get("X-Order");
            call.putMetadata("X-Order", order == null ? name() : order + "," + name());
        }
        return ctx.proceed();
    }
}
