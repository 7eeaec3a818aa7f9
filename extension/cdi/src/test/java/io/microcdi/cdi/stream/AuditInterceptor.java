package io.microcdi.cdi.stream;

import io.microcdi.context.CallContexts;
import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the endpoint of each stream it runs around, as the call context names it. */
@Audited
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
public class AuditInterceptor {

    static final List<String> SEEN = new CopyOnWriteArrayList<>();

    @AroundInvoke
    Object audit(InvocationContext ctx) throws Exception {
        SEEN.add(CallContexts.current().endpoint());
        return ctx.proceed();
    }
}
