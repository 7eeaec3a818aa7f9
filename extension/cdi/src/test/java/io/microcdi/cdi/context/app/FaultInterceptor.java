package io.microcdi.cdi.context.app;

import io.microcdi.context.CallContext;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/** Throws a plain exception (a bug in an interceptor) when the caller sends {@code X-Fault}. */
@Fault
@Interceptor
@Priority(Interceptor.Priority.APPLICATION + 20)
public class FaultInterceptor {

    @Inject
    CallContext call;

    @AroundInvoke
    Object around(InvocationContext ctx) throws Exception {
        String fault = call.metadata().get("X-Fault");
        if (fault != null) {
            throw new IllegalStateException("interceptor failed: " + fault);
        }
        return ctx.proceed();
    }
}
