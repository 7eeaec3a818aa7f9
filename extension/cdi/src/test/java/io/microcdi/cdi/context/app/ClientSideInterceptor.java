package io.microcdi.cdi.context.app;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records each typed client call it runs around (once per call, retries or not), and may change the argument. */
@ClientSide
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
public class ClientSideInterceptor {

    public static final List<String> CALLS = new CopyOnWriteArrayList<>();

    @AroundInvoke
    Object around(InvocationContext ctx) throws Exception {
        CALLS.add(ctx.getMethod().getName());
        if (ctx.getParameters().length == 1 && ctx.getParameters()[0] instanceof Msg m && m.text().equals("rewrite")) {
            ctx.setParameters(new Object[]{new Msg("rewritten")});
        }
        return ctx.proceed();
    }
}
