package io.microcdi.internal.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules a service class or a client interface must follow; every problem names the class and the method, and
 * all problems are reported together.
 *
 * <pre>{@code
 * List<String> problems = ModelValidator.service("io.example.Greeter", "Greeter", shapes);
 * }</pre>
 */
public final class ModelValidator {

    private ModelValidator() {
    }

    /** Problems of a {@code @Service} class whose endpoint methods are {@code methods}. */
    public static List<String> service(String className, String handler, List<MethodShape> methods) {
        List<String> problems = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        if (methods.isEmpty()) {
            problems.add("MICRO-0101: @Service " + className + " has no public method to serve");
        }
        for (MethodShape m : methods) {
            if (m.parameterCount() > 1) {
                problems.add("MICRO-0102: " + className + "#" + m.name() + " takes " + m.parameterCount()
                        + " parameters (expected: none or one request object)");
            }
            checkStreaming(problems, className, m);
            checkBlocking(problems, className, m);
            String endpoint = m.endpoint().isEmpty() ? EndpointNames.endpoint(handler, m.name()) : m.endpoint();
            checkEndpointName(problems, className, m, endpoint);
            String previous = seen.putIfAbsent(endpoint, m.name());
            if (previous != null) {
                problems.add("MICRO-0103: " + className + "#" + m.name() + " and #" + previous
                        + " both serve endpoint " + endpoint + " (overloads are not allowed; rename one or use "
                        + "@Endpoint)");
            }
        }
        return problems;
    }

    /** Problems of a {@code @MicroClient} interface whose abstract methods are {@code methods}. */
    public static List<String> client(String interfaceName, boolean isInterface, List<MethodShape> methods) {
        List<String> problems = new ArrayList<>();
        if (!isInterface) {
            problems.add("MICRO-0201: @MicroClient injection of " + interfaceName
                    + ": the type must be an interface");
            return problems;
        }
        for (MethodShape m : methods) {
            if (m.parameterCount() > 1) {
                problems.add("MICRO-0202: " + interfaceName + "#" + m.name() + " takes " + m.parameterCount()
                        + " parameters (expected: none or one request object)");
            }
            checkStreaming(problems, interfaceName, m);
            if (!m.endpoint().isEmpty()) {
                checkEndpointName(problems, interfaceName, m, m.endpoint());
            }
        }
        return problems;
    }

    /** A method taking a stream of requests answers with one response later, or with a stream. */
    private static void checkStreaming(List<String> problems, String className, MethodShape m) {
        if (m.streamsRequests() && !m.streamsResponses() && !m.async()) {
            problems.add("MICRO-0105: " + className + "#" + m.name() + " takes a Flow.Publisher of requests and "
                    + "returns " + m.returnType() + " (expected: CompletionStage<Response> for client streaming, "
                    + "or Flow.Publisher<Response> for a bidirectional stream)");
        }
    }

    /** An endpoint is blocking or not, and a stream is served on handler threads whatever it says. */
    private static void checkBlocking(List<String> problems, String className, MethodShape m) {
        if (m.saysBlocking() && m.saysNonBlocking()) {
            problems.add("MICRO-0106: " + className + "#" + m.name() + " is annotated both @Blocking and "
                    + "@NonBlocking (expected: one of them)");
        } else if (m.saysNonBlocking() && (m.streamsRequests() || m.streamsResponses())) {
            problems.add("MICRO-0108: " + className + "#" + m.name() + " streams and is annotated @NonBlocking "
                    + "(expected: no annotation: streams are served on handler threads; @NonBlocking is for unary "
                    + "endpoints)");
        }
    }

    private static void checkEndpointName(List<String> problems, String className, MethodShape m, String endpoint) {
        int dot = endpoint.indexOf('.');
        if (dot <= 0 || dot == endpoint.length() - 1 || endpoint.indexOf('.', dot + 1) >= 0) {
            problems.add("MICRO-0104: " + className + "#" + m.name() + ": endpoint name '" + endpoint
                    + "' (expected: Handler.Method)");
        }
    }
}
