package io.microcdi.internal.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The rules a {@code @Subscribe} method, its bean and a {@code @Topic} publisher injection must follow; every
 * problem is numbered ({@code MICRO-03xx}), names the class and the method, and all are reported together.
 *
 * <pre>{@code
 * List<String> problems = SubscriberValidator.subscriber("io.example.Audit", shape);
 * // [MICRO-0302: io.example.Audit#onOrder takes 3 parameters (expected: ...)]
 * }</pre>
 */
public final class SubscriberValidator {

    /** The type of the optional second parameter. */
    public static final String METADATA = "io.microcdi.metadata.Metadata";
    /** The scopes a subscriber bean may have: one instance serves every delivery, on any thread. */
    public static final Set<String> SCOPES = Set.of("jakarta.enterprise.context.ApplicationScoped",
            "jakarta.inject.Singleton");

    static final Set<String> STAGES = Set.of("java.util.concurrent.CompletionStage",
            "java.util.concurrent.CompletableFuture");

    private SubscriberValidator() {
    }

    /** Problems of one {@code @Subscribe} method of class {@code className}. */
    public static List<String> subscriber(String className, SubscriberShape m) {
        List<String> problems = new ArrayList<>();
        String where = className + "#" + m.method();
        if (m.topic().isBlank()) {
            problems.add("MICRO-0301: " + where + ": @Subscribe has an empty topic (expected: a topic name or a "
                    + "${property})");
        }
        List<String> params = m.parameterTypes();
        if (params.isEmpty() || params.size() > 2) {
            problems.add("MICRO-0302: " + where + " takes " + params.size() + " parameters (expected: the payload, "
                    + "optionally followed by " + METADATA + ")");
        } else if (params.get(0).equals(METADATA)) {
            problems.add("MICRO-0303: " + where + ": the first parameter is " + METADATA + " (expected: the payload "
                    + "first, then " + METADATA + ")");
        } else if (params.size() == 2 && !params.get(1).equals(METADATA)) {
            problems.add("MICRO-0303: " + where + ": the second parameter is " + params.get(1) + " (expected: "
                    + METADATA + ")");
        }
        boolean stage = m.async() && m.returnTypeArgument().equals("java.lang.Void");
        if (!m.returnType().equals("void") && !stage) {
            String returned = m.returnTypeArgument().isEmpty() ? m.returnType()
                    : m.returnType() + "<" + m.returnTypeArgument() + ">";
            problems.add("MICRO-0304: " + where + " returns " + returned + " (expected: void or "
                    + "CompletionStage<Void>)");
        }
        if (m.isStatic() || m.isPrivate()) {
            problems.add("MICRO-0305: " + where + " is " + (m.isStatic() ? "static" : "private")
                    + " (expected: an instance method that is not private)");
        }
        return problems;
    }

    /** Problems of a bean class with {@code @Subscribe} methods whose scope annotation is {@code scope}. */
    public static List<String> scope(String className, String scope) {
        if (SCOPES.contains(scope)) {
            return List.of();
        }
        String simple = scope.substring(scope.lastIndexOf('.') + 1);
        return List.of("MICRO-0306: " + className + " has @Subscribe methods and scope @" + simple
                + " (expected: @ApplicationScoped or @Singleton: one instance receives every message)");
    }

    /**
     * Problems of an injection {@code @Topic(topic) Publisher<...>} at {@code injectionPoint}; {@code payload} is the
     * payload type as written, or {@code ""} when the injection names none (a raw {@code Publisher}), and
     * {@code concrete} whether it is a class, an array or a parameterized type (not a wildcard or a type variable).
     */
    public static List<String> publisher(String injectionPoint, String topic, String payload, boolean concrete) {
        List<String> problems = new ArrayList<>();
        if (topic.isBlank()) {
            problems.add("MICRO-0311: @Topic of " + injectionPoint + " is empty (expected: a topic name or a "
                    + "${property})");
        }
        if (payload.isEmpty() || !concrete) {
            problems.add("MICRO-0312: " + injectionPoint + " injects Publisher"
                    + (payload.isEmpty() ? "" : "<" + payload + ">") + " (expected: Publisher<T> of a concrete "
                    + "payload type, such as Publisher<OrderPlaced>)");
        }
        return problems;
    }
}
