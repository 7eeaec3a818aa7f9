package io.microcdi.bench.load;

import java.util.concurrent.CompletableFuture;

/**
 * One thing the closed-loop {@link Driver} calls: {@code call(loop)} issues one greeter call on behalf of loop
 * {@code loop} (0 .. concurrency-1) and completes when its answer is in (exceptionally when it failed).
 */
interface Target extends AutoCloseable {

    /** The name in the result lines ({@code limit}, {@code microcdi}, {@code grpc}, {@code microclient}). */
    String name();

    /** Makes ready for up to {@code loops} concurrent loops (connections for HTTP/1.1). */
    void open(int loops) throws Exception;

    /** One call, checked: returns the greeting. Used once before any load. */
    String check() throws Exception;

    /** One call for loop {@code loop}; a loop never has two calls in flight. */
    CompletableFuture<?> call(int loop);

    @Override
    void close();
}
