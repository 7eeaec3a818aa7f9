package io.microcdi.internal.client;

import java.lang.reflect.Method;

/**
 * What runs around a typed client method's whole call (retries included): the container's interceptors bound on the
 * {@code @MicroClient} interface or method. Asked once per method when the client is made; the answer is kept.
 *
 * <pre>{@code
 * ClientInterception logged = (type, method, inner) -> (proxy, args) -> {
 *     log(method);
 *     return inner.invoke(proxy, args);
 * };
 * }</pre>
 */
@FunctionalInterface
public interface ClientInterception {

    /** Nothing around any method. */
    ClientInterception NONE = (type, method, inner) -> inner;

    /** {@code inner} with what intercepts {@code method} of {@code type} around it; {@code inner} itself for nothing. */
    MethodCall around(Class<?> type, Method method, MethodCall inner);

    /** One client method's call. */
    @FunctionalInterface
    interface MethodCall {

        /** Calls with {@code args} ({@code null} for none) on behalf of {@code proxy}. */
        Object invoke(Object proxy, Object[] args) throws Throwable;
    }
}
