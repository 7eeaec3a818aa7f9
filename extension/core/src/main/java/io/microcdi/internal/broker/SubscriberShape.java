package io.microcdi.internal.broker;

import java.util.List;

/**
 * What the validator needs to know of one {@code @Subscribe} method, read either by reflection at start or from the
 * CDI language model at build time, so both paths apply the same rules.
 *
 * <pre>{@code
 * new SubscriberShape("onOrder", "orders", List.of("io.example.OrderPlaced", "io.microcdi.metadata.Metadata"),
 *         "void", "", false, false)
 * }</pre>
 *
 * @param method             the Java method name
 * @param topic              the topic as written in {@code @Subscribe} (it may hold {@code ${property}} expressions)
 * @param parameterTypes     the erased parameter types' names ({@code int}, {@code byte[]}, {@code java.util.List})
 * @param returnType         the erased return type's name, {@code void} for none
 * @param returnTypeArgument the erased type argument of a generic return type ({@code java.lang.Void} for
 *                           {@code CompletionStage<Void>}), or {@code ""}
 * @param isStatic           whether the method is static
 * @param isPrivate          whether the method is private
 */
public record SubscriberShape(String method, String topic, List<String> parameterTypes, String returnType,
                              String returnTypeArgument, boolean isStatic, boolean isPrivate) {

    public SubscriberShape {
        parameterTypes = List.copyOf(parameterTypes);
    }

    /** Whether the method completes a stage rather than returning. */
    public boolean async() {
        return SubscriberValidator.STAGES.contains(returnType);
    }
}
