package io.microcdi.cdi.context.app;

import io.microcdi.context.CallContext;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/** Appends its name to the call's {@code X-Order} metadata, then proceeds: the handler sees the order they ran in. */
@Chain
@Interceptor
@Priority(Interceptor.Priority.APPLICATION + 2)
public class SecondInterceptor {

    @Inject
    CallContext call;

    @AroundInvoke
    Object around(InvocationContext ctx) throws Exception {
        if (!call.active()) {
            return ctx.proceed(); // a local call of the bean's method (a test reading its state): no call context
        }
        String order = call.metadata().get("X-Order");
        call.putMetadata("X-Order", order == null ? "second" : order + ",second");
        return ctx.proceed();
    }
}
