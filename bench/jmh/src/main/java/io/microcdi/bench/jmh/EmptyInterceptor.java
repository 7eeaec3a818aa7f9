package io.microcdi.bench.jmh;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/**
 * An interceptor that does nothing but proceed: what any interceptor costs before it does its own work.
 *
 * <pre>{@code
 * new Weld().disableDiscovery().addBeanClasses(EmptyInterceptor.class, InterceptedEchoHandler.class)
 * }</pre>
 */
@Empty
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
public class EmptyInterceptor {

    /** Proceeds. */
    @AroundInvoke
    public Object around(InvocationContext context) throws Exception {
        return context.proceed();
    }
}
