package io.microcdi.cdi.context.app;

import io.microcdi.context.CallContext;
import io.microcdi.errors.MicroException;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/** Answers 403 without calling the handler when the caller sends {@code X-Gate: closed}. */
@Gate
@Interceptor
@Priority(Interceptor.Priority.APPLICATION + 10)
public class GateInterceptor {

    @Inject
    CallContext call;

    @AroundInvoke
    Object around(InvocationContext ctx) throws Exception {
        if ("closed".equals(call.metadata().get("X-Gate"))) {
            throw MicroException.forbidden(call.service(), "gate closed for %s", call.endpoint());
        }
        return ctx.proceed();
    }
}
