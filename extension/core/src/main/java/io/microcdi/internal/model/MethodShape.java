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
 * @param saysBlocking    whether the method itself carries {@code @Blocking} (MicroCDI's or SmallRye's)
 * @param saysNonBlocking whether the method itself carries {@code @NonBlocking} (MicroCDI's or SmallRye's)
 */
public record MethodShape(String name, int parameterCount, String endpoint, String returnType, String parameterType,
                          boolean saysBlocking, boolean saysNonBlocking) {

    /** The annotations that declare an endpoint non-blocking, by name: MicroCDI's and SmallRye's. */
    public static final java.util.List<String> NON_BLOCKING = java.util.List.of(
            "io.microcdi.annotation.NonBlocking", "io.smallrye.common.annotation.NonBlocking");
    /** The annotations that declare an endpoint blocking, by name: MicroCDI's and SmallRye's. */
    public static final java.util.List<String> BLOCKING = java.util.List.of(
            "io.microcdi.annotation.Blocking", "io.smallrye.common.annotation.Blocking");

    /** A method that says nothing of blocking. */
    public MethodShape(String name, int parameterCount, String endpoint, String returnType, String parameterType) {
        this(name, parameterCount, endpoint, returnType, parameterType, false, false);
    }

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
