package io.microcdi.wrappers;

import io.microcdi.errors.MicroException;

import java.lang.reflect.Proxy;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** What the built-in interceptors need to tell about a call: whether it is a client's, and its outcome. */
final class Calls {

    private Calls() {
    }

    /**
     * Whether an interceptor runs around a {@code @MicroClient} method (its target is the client's proxy) rather than
     * around a bean's.
     */
    static boolean isClient(Object target) {
        return target != null && Proxy.isProxyClass(target.getClass());
    }

    /** {@code GreeterApi.hello}: the client interface and method. */
    static String clientName(Object proxy, java.lang.reflect.Method method) {
        Class<?>[] types = proxy.getClass().getInterfaces();
        Class<?> api = types.length == 1 ? types[0] : method.getDeclaringClass();
        return api.getSimpleName() + "." + method.getName();
    }

    /** The failure a stage completed with, without the wrapping a stage adds. */
    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** {@code 0} for success, the code of a {@link MicroException}, 500 for any other failure. */
    static int code(Throwable error) {
        return error == null ? 0 : error instanceof MicroException m ? m.code() : 500;
    }
}
