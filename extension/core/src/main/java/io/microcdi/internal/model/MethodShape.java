package io.microcdi.internal.model;

/**
 * What the validator needs to know of one method, read either by reflection at run time or from the CDI language
 * model at build time, so both paths apply the same rules.
 *
 * <pre>{@code
 * new MethodShape("hello", 1, "", "io.example.HelloReply")
 * }</pre>
 *
 * @param name           the Java method name
 * @param parameterCount how many parameters it declares
 * @param endpoint       the value of its {@code @Endpoint}, or {@code ""}
 * @param returnType     the erased return type's name
 */
public record MethodShape(String name, int parameterCount, String endpoint, String returnType) {

    /** Whether the method answers asynchronously. */
    public boolean async() {
        return returnType.equals("java.util.concurrent.CompletionStage")
                || returnType.equals("java.util.concurrent.CompletableFuture");
    }
}
