package io.microcdi.internal.model;

import io.microcdi.annotation.Endpoint;
import io.microcdi.server.EndpointDefinition;
import io.microcdi.server.EndpointInvoker;
import io.microcdi.server.ServiceDefinition;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Turns a service class and its instance into a {@link ServiceDefinition}, once, at start: each endpoint method
 * becomes a method handle bound to the instance, so a call costs no reflection.
 *
 * <pre>{@code
 * ServiceDefinition def = ServiceModel.define(Greeter.class, greeterInstance, "greeter", "1.0.0");
 * }</pre>
 */
public final class ServiceModel {

    private static final List<String> LIFECYCLE_ANNOTATIONS = List.of(
            "jakarta.annotation.PostConstruct", "jakarta.annotation.PreDestroy");

    private ServiceModel() {
    }

    /**
     * The endpoint methods of {@code type}: public, non-static, declared by the class or a superclass below
     * {@code Object} (an interface's default method serves only when the class overrides it), not lifecycle.
     */
    public static List<Method> endpointMethods(Class<?> type) {
        List<Method> methods = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getDeclaringClass() == Object.class || m.getDeclaringClass().isInterface() || isObjectMethod(m)
                    || Modifier.isStatic(m.getModifiers())
                    || m.isSynthetic() || m.isBridge() || isLifecycle(m)) {
                continue;
            }
            methods.add(m);
        }
        methods.sort(Comparator.comparing(Method::getName));
        return methods;
    }

    /** The handler name of a service class: its {@code @Endpoint} value or its simple name. */
    public static String handlerName(Class<?> type) {
        Endpoint e = type.getAnnotation(Endpoint.class);
        return e != null ? e.value() : type.getSimpleName();
    }

    /** The endpoint name a method serves. */
    public static String endpointName(String handler, Method m) {
        Endpoint e = m.getAnnotation(Endpoint.class);
        return e != null ? e.value() : EndpointNames.endpoint(handler, m.getName());
    }

    /** The validator's view of a method. */
    public static MethodShape shape(Method m) {
        Endpoint e = m.getAnnotation(Endpoint.class);
        return new MethodShape(m.getName(), m.getParameterCount(), e == null ? "" : e.value(),
                m.getReturnType().getName(), m.getParameterCount() == 0 ? "" : m.getParameterTypes()[0].getName(),
                carries(m, MethodShape.BLOCKING), carries(m, MethodShape.NON_BLOCKING));
    }

    private static boolean carries(Method m, List<String> annotationNames) {
        for (java.lang.annotation.Annotation a : m.getAnnotations()) {
            if (annotationNames.contains(a.annotationType().getName())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The definition of service {@code name} served by {@code instance}.
     *
     * @throws IllegalArgumentException when the class breaks the rules of {@link ModelValidator}
     */
    public static ServiceDefinition define(Class<?> type, Object instance, String name, String version) {
        String handler = handlerName(type);
        List<Method> methods = endpointMethods(type);
        List<String> problems = ModelValidator.service(type.getName(), handler,
                methods.stream().map(ServiceModel::shape).toList());
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        List<EndpointDefinition> endpoints = new ArrayList<>(methods.size());
        for (Method m : methods) {
            EndpointDefinition.Streaming streaming = streaming(m);
            Type requestType = m.getParameterCount() == 0 ? null : requestType(m.getGenericParameterTypes()[0]);
            Type responseType = responseType(m.getGenericReturnType());
            endpoints.add(new EndpointDefinition(endpointName(handler, m), requestType, responseType,
                    invoker(m, instance), Map.of("stream", String.valueOf(streaming != EndpointDefinition.Streaming.NONE)),
                    streaming, m.getParameterCount() == 1 && nullable(m),
                    streaming == EndpointDefinition.Streaming.NONE && nonBlocking(type, m)));
        }
        return new ServiceDefinition(name, version, Map.of(), endpoints);
    }

    /**
     * Whether the request parameter is declared nullable: an annotation named {@code Nullable} of any package
     * (Jakarta, JSpecify, JetBrains, javax), on the parameter or on its type.
     */
    static boolean nullable(Method m) {
        for (java.lang.annotation.Annotation a : m.getParameterAnnotations()[0]) {
            if (a.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        for (java.lang.annotation.Annotation a : m.getAnnotatedParameterTypes()[0].getAnnotations()) {
            if (a.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether an endpoint method never blocks, so that the server may run it on an I/O thread: what its
     * {@code @NonBlocking} or {@code @Blocking} says (MicroCDI's or SmallRye's, matched by name), else what its
     * class's says, else whether it returns a {@code CompletionStage}.
     *
     * @throws IllegalArgumentException when the method, or the class, says both
     */
    public static boolean nonBlocking(Class<?> type, Method m) {
        Boolean declared = declaredNonBlocking(m.getAnnotations(), m.toString());
        if (declared == null) {
            declared = declaredNonBlocking(type.getAnnotations(), type.getName());
        }
        return declared != null ? declared : CompletionStage.class.isAssignableFrom(m.getReturnType());
    }

    private static Boolean declaredNonBlocking(java.lang.annotation.Annotation[] annotations, String where) {
        Boolean declared = null;
        for (java.lang.annotation.Annotation a : annotations) {
            String n = a.annotationType().getName();
            Boolean says = MethodShape.NON_BLOCKING.contains(n) ? Boolean.TRUE
                    : MethodShape.BLOCKING.contains(n) ? Boolean.FALSE : null;
            if (says != null && declared != null && !says.equals(declared)) {
                throw new IllegalArgumentException(where + " is annotated both @Blocking and @NonBlocking "
                        + "(expected: one of them)");
            }
            declared = says != null ? says : declared;
        }
        return declared;
    }

    /** What streams in a method's signature: a {@code Flow.Publisher} parameter, return type, or both. */
    public static EndpointDefinition.Streaming streaming(Method m) {
        boolean requests = m.getParameterCount() == 1 && m.getParameterTypes()[0] == Flow.Publisher.class;
        boolean responses = m.getReturnType() == Flow.Publisher.class;
        return requests ? (responses ? EndpointDefinition.Streaming.BIDI : EndpointDefinition.Streaming.CLIENT)
                : responses ? EndpointDefinition.Streaming.SERVER : EndpointDefinition.Streaming.NONE;
    }

    /**
     * The type a caller receives, or one message of it: {@code T} for {@code CompletionStage<T>} and
     * {@code Flow.Publisher<T>}, the return type otherwise.
     */
    public static Type responseType(Type returnType) {
        if (returnType instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw
                && (CompletionStage.class.isAssignableFrom(raw) || raw == Flow.Publisher.class)) {
            return element(p.getActualTypeArguments()[0]);
        }
        if (returnType instanceof Class<?> c && (CompletionStage.class.isAssignableFrom(c) || c == Flow.Publisher.class)) {
            return Object.class;
        }
        return returnType;
    }

    /** The type a caller sends, or one message of it: {@code T} for {@code Flow.Publisher<T>}. */
    public static Type requestType(Type parameterType) {
        if (parameterType instanceof ParameterizedType p && p.getRawType() == Flow.Publisher.class) {
            return element(p.getActualTypeArguments()[0]);
        }
        return parameterType == Flow.Publisher.class ? Object.class : parameterType;
    }

    /** {@code T} for {@code ? extends T} and {@code ? super T} ({@code Flow.Publisher<? extends Reply>}). */
    private static Type element(Type t) {
        if (t instanceof java.lang.reflect.WildcardType w) {
            Type[] lower = w.getLowerBounds();
            return lower.length > 0 ? lower[0] : w.getUpperBounds()[0];
        }
        return t;
    }

    /** A method handle bound to {@code instance}, shaped {@code (Object) -> Object} or {@code () -> Object}. */
    static EndpointInvoker invoker(Method m, Object instance) {
        MethodHandle mh = unreflect(m).bindTo(instance);
        if (m.getParameterCount() == 0) {
            MethodHandle h = mh.asType(MethodType.methodType(Object.class));
            return request -> h.invokeExact();
        }
        MethodHandle h = mh.asType(MethodType.methodType(Object.class, Object.class));
        return request -> h.invokeExact(request);
    }

    /**
     * A method handle of {@code m}, made once at start: a public method, or (on the class path) one of a
     * package-private class or a package-private method once made accessible.
     */
    public static MethodHandle unreflect(Method m) {
        try {
            return MethodHandles.publicLookup().unreflect(m);
        } catch (IllegalAccessException e) {
            // a public method of a package-private class, or a package-private method: allowed on the class path once
            // made accessible
            try {
                m.setAccessible(true);
                return MethodHandles.lookup().unreflect(m);
            } catch (IllegalAccessException | RuntimeException inner) {
                throw new IllegalArgumentException("cannot access " + m + ": " + inner.getMessage(), inner);
            }
        }
    }

    /** {@code toString}, {@code equals}, {@code hashCode} overridden by the class are still not endpoints. */
    public static boolean isObjectMethod(Method m) {
        try {
            Object.class.getMethod(m.getName(), m.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static boolean isLifecycle(Method m) {
        return Arrays.stream(m.getAnnotations())
                .anyMatch(a -> LIFECYCLE_ANNOTATIONS.contains(a.annotationType().getName()));
    }
}
