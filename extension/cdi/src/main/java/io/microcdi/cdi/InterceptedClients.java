package io.microcdi.cdi;

import io.microcdi.internal.client.ClientInterception;
import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.InterceptionType;
import jakarta.enterprise.inject.spi.Interceptor;
import jakarta.interceptor.InvocationContext;

import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Honours interceptor bindings placed on a {@code @MicroClient} interface or its methods: the container's enabled
 * interceptors for those bindings run around each call of the method, in {@code @Priority} order, as they would
 * around a bean's method. The interceptors are resolved and instantiated once per method, when the client is made.
 *
 * <pre>{@code
 * @Logged                                   // an @InterceptorBinding
 * public interface GreeterApi { HelloReply hello(HelloRequest request); }
 * }</pre>
 *
 * <p>Bindings given to the constructor apply to every client as if on its interface ({@code micro.client.wrappers}).
 * The interceptors see the proxy as {@link InvocationContext#getTarget()} and the interface method; a client is
 * not a bean class, so this uses the full CDI {@link BeanManager} (Weld, Open Liberty). A CDI Lite container
 * (Quarkus) gets its own implementation.
 */
final class InterceptedClients implements ClientInterception {

    private final BeanManager beans;
    /** Bindings every client has, as if on each interface ({@code micro.client.wrappers}). */
    private final Annotation[] everywhere;

    /** With {@code everywhere} bound on every interface (an interface's own binding of the same type wins). */
    InterceptedClients(BeanManager beans, Annotation... everywhere) {
        this.beans = beans;
        this.everywhere = everywhere.clone();
    }

    @Override
    public MethodCall around(Class<?> type, Method method, MethodCall inner) {
        Annotation[] bindings = bindings(type, method);
        if (bindings.length == 0) {
            return inner;
        }
        List<Interceptor<?>> resolved = beans.resolveInterceptors(InterceptionType.AROUND_INVOKE, bindings);
        if (resolved.isEmpty()) {
            return inner;
        }
        @SuppressWarnings("unchecked")
        Interceptor<Object>[] interceptors = resolved.toArray(Interceptor[]::new);
        Object[] instances = new Object[interceptors.length];
        for (int i = 0; i < interceptors.length; i++) {
            CreationalContext<Object> cc = beans.createCreationalContext(interceptors[i]);
            instances[i] = interceptors[i].create(cc); // lives as long as the client (a @Singleton)
        }
        return (proxy, args) -> new Invocation(proxy, method, args, interceptors, instances, inner).proceed();
    }

    /**
     * The interceptor bindings every client has, then those of the interface, then those of the method, each
     * replacing any of the same type before it.
     */
    private Annotation[] bindings(Class<?> type, Method method) {
        Map<Class<? extends Annotation>, Annotation> found = new LinkedHashMap<>();
        for (Annotation a : everywhere) {
            found.put(a.annotationType(), a);
        }
        for (Annotation a : type.getAnnotations()) {
            if (beans.isInterceptorBinding(a.annotationType())) {
                found.put(a.annotationType(), a);
            }
        }
        for (Annotation a : method.getAnnotations()) {
            if (beans.isInterceptorBinding(a.annotationType())) {
                found.put(a.annotationType(), a);
            }
        }
        return found.values().toArray(Annotation[]::new);
    }

    /** One intercepted call: the chain position, the parameters and the context data. */
    private static final class Invocation implements InvocationContext {
        private final Object proxy;
        private final Method method;
        private Object[] parameters;
        private final Interceptor<Object>[] interceptors;
        private final Object[] instances;
        private final MethodCall inner;
        private Map<String, Object> data;
        private int next;

        Invocation(Object proxy, Method method, Object[] args, Interceptor<Object>[] interceptors, Object[] instances,
                   MethodCall inner) {
            this.proxy = proxy;
            this.method = method;
            this.parameters = args == null ? new Object[0] : args;
            this.interceptors = interceptors;
            this.instances = instances;
            this.inner = inner;
        }

        @Override
        public Object getTarget() {
            return proxy;
        }

        @Override
        public Object getTimer() {
            return null;
        }

        @Override
        public Method getMethod() {
            return method;
        }

        @Override
        public Constructor<?> getConstructor() {
            return null;
        }

        @Override
        public Object[] getParameters() {
            return parameters;
        }

        @Override
        public void setParameters(Object[] params) {
            Class<?>[] types = method.getParameterTypes();
            if (params == null || params.length != types.length) {
                throw new IllegalArgumentException("parameters of " + method + ": " + (params == null ? "null"
                        : params.length + " given") + " (expected: " + types.length + ")");
            }
            for (int i = 0; i < types.length; i++) {
                if (params[i] != null && !box(types[i]).isInstance(params[i])) {
                    throw new IllegalArgumentException("parameter " + i + " of " + method + ": a "
                            + params[i].getClass().getName() + " (expected: " + types[i].getName() + ")");
                }
            }
            this.parameters = params;
        }

        private static Class<?> box(Class<?> t) {
            return t.isPrimitive() ? java.lang.invoke.MethodType.methodType(t).wrap().returnType() : t;
        }

        @Override
        public Map<String, Object> getContextData() {
            if (data == null) {
                data = new HashMap<>();
            }
            return data;
        }

        @Override
        public Object proceed() throws Exception {
            int i = next++;
            try {
                if (i < interceptors.length) {
                    return interceptors[i].intercept(InterceptionType.AROUND_INVOKE, instances[i], this);
                }
                return inner.invoke(proxy, parameters);
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new java.lang.reflect.UndeclaredThrowableException(t);
            } finally {
                next = i; // proceed() may be called again by an interceptor that retries
            }
        }
    }
}
