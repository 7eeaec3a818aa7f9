package io.microcdi.client;

import io.microcdi.registry.Node;

import java.util.concurrent.CompletableFuture;

/**
 * One attempt of a call, on the node the selector chose: Go Micro's {@code CallFunc}. {@link CallWrapper}s wrap it.
 *
 * <pre>{@code
 * CallFunc timed = (node, request, options) -> {
 *     long start = System.nanoTime();
 *     return next.call(node, request, options).whenComplete((r, e) -> record(node, System.nanoTime() - start));
 * };
 * }</pre>
 */
@FunctionalInterface
public interface CallFunc {

    /**
     * Sends {@code request} to {@code node}.
     *
     * @param options the call's options, {@link CallOptions#requestTimeout()} being the budget of this attempt (what
     *                is left of the call's deadline, or its attempt timeout)
     * @return the answer; fails as {@link Client#call} does. It may complete on an I/O thread: do not block in
     *         continuations
     */
    CompletableFuture<Response> call(Node node, Request request, CallOptions options);
}
