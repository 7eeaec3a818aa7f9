package io.microcdi.internal.model;

/**
 * What the validator needs to know of one method, read either by reflection at run time or from the CDI language
 * model at build time, so both paths apply the same rules.
 *
 * <pre>{@code
 * new MethodShape("hello", 1, "", "io.example.HelloReply", "io.example.HelloRequest")
 * }</pre>
 *
 * @param name           the Java method name
 * @param parameterCount how many parameters it declares
 * @param endpoint       the value of its {@code @Endpoint}, or {@code ""}
 * @param returnType     the erased return type's name
 * @param parameterType  the erased type name of its first parameter, or {@code ""}
 */
public record MethodShape(String name, int parameterCount, String endpoint, String returnType, String parameterType) {

    private static final String PUBLISHER = "java.util.concurrent.Flow$Publisher";
    private static final String PUBLISHER_CANONICAL = "java.util.concurrent.Flow.Publisher";

    /** A shape whose parameter type does not matter. */
    public MethodShape(String name, int parameterCount, String endpoint, String returnType) {
        this(name, parameterCount, endpoint, returnType, "");
    }

    /** Whether it returns a stream of responses ({@code Flow.Publisher}). */
    public boolean streamsResponses() {
        return isPublisher(returnType);
    }

    /** Whether it takes a stream of requests ({@code Flow.Publisher}). */
    public boolean streamsRequests() {
        return parameterCount == 1 && isPublisher(parameterType);
    }

    private static boolean isPublisher(String typeName) {
        return typeName.equals(PUBLISHER) || typeName.equals(PUBLISHER_CANONICAL);
    }

    /** Whether the method answers asynchronously. */
    public boolean async() {
        return returnType.equals("java.util.concurrent.CompletionStage")
                || returnType.equals("java.util.concurrent.CompletableFuture");
    }
}
