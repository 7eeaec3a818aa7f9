package io.microcdi.internal.model;

import java.util.Locale;

/**
 * How Java names become Go Micro endpoint names: {@code Greeter#hello} serves {@code Greeter.Hello}, and client
 * interface {@code GreeterApi#hello} (or {@code helloAsync}) calls it.
 *
 * <pre>{@code
 * EndpointNames.endpoint("Greeter", "hello")   // "Greeter.Hello"
 * EndpointNames.clientHandler("GreeterApi")    // "Greeter"
 * }</pre>
 */
public final class EndpointNames {

    private static final String[] CLIENT_SUFFIXES = {"Api", "Client", "Service"};

    private EndpointNames() {
    }

    /** {@code Handler.Method} with the method's first letter upper-cased. */
    public static String endpoint(String handler, String method) {
        return handler + "." + capitalize(method);
    }

    /** The handler a client interface calls: its simple name without a trailing Api, Client or Service. */
    public static String clientHandler(String interfaceSimpleName) {
        for (String suffix : CLIENT_SUFFIXES) {
            if (interfaceSimpleName.endsWith(suffix) && interfaceSimpleName.length() > suffix.length()) {
                return interfaceSimpleName.substring(0, interfaceSimpleName.length() - suffix.length());
            }
        }
        return interfaceSimpleName;
    }

    /** The method part a client method calls: {@code helloAsync} returning a stage calls {@code Hello}. */
    public static String clientMethod(String method, boolean async) {
        if (async && method.endsWith("Async") && method.length() > "Async".length()) {
            return method.substring(0, method.length() - "Async".length());
        }
        return method;
    }

    /** The default service name of a class: its simple name in lower case. */
    public static String serviceName(String simpleName) {
        return simpleName.toLowerCase(Locale.ROOT);
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
