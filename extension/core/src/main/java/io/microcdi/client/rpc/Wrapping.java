package io.microcdi.client.rpc;

import io.microcdi.client.CallFunc;
import io.microcdi.client.CallOptions;
import io.microcdi.client.CallWrapper;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.registry.Node;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * How an attempt goes through a chain of {@link CallWrapper}s: the innermost {@link CallFunc}, which sends, and the
 * two side channels it keeps for the attempt loop, which cannot see into the chain: whether the chain reached the
 * transport on the calling thread (then the transport bounds the attempt, no timer is needed), and which failures
 * came from the node rather than from a wrapper (only those count for or against the node).
 *
 * <pre>{@code
 * CallFunc chain = wrapping.compose(wrappers);                               // once per wrapped view
 * wrapping.attempt(chain, context, node, request, options, budgetNanos);     // per attempt
 * }</pre>
 */
final class Wrapping {

    /** How much longer than its budget a wrapped attempt may take before it fails as timed out. */
    private static final long WRAPPED_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Set by {@link #send} on the thread that runs it: whether a wrapper chain reached the transport at once. */
    private static final ThreadLocal<boolean[]> SENT = ThreadLocal.withInitial(() -> new boolean[1]);

    private final RpcClient client;
    /** One attempt, unwrapped: what the innermost {@link CallWrapper} calls. */
    private final CallFunc send = this::send;
    /**
     * The failures of wrapped attempts that came from the node (its error answer, or failing to reach it), as opposed
     * to a wrapper's own: only those count for or against the node. Filled on the error path only; weak keys.
     */
    private final Set<Throwable> fromNode = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    Wrapping(RpcClient client) {
        this.client = client;
    }

    /** {@code wrappers} composed once around the unwrapped attempt, the first outermost. */
    CallFunc compose(List<CallWrapper> wrappers) {
        CallFunc c = send;
        for (int i = wrappers.size() - 1; i >= 0; i--) {
            c = wrappers.get(i).wrap(c);
            if (c == null) {
                throw new IllegalArgumentException(wrappers.get(i).getClass().getName()
                        + ".wrap returned null (expected: a CallFunc)");
            }
        }
        return c;
    }

    /**
     * The attempt through the wrappers: in the context of the call being handled when this one was made (a retry
     * runs on a timer or I/O thread), and bounded by its budget even if a wrapper never completes its future.
     */
    CompletableFuture<Response> attempt(CallFunc chain, CallContext context, Node node, Request request,
                                        CallOptions options, long budget) {
        CompletableFuture<Response> wrapped;
        boolean[] sent = SENT.get();
        sent[0] = false;
        CallContext previous = context == null ? null : CallContexts.attach(context);
        try {
            wrapped = chain.call(node, request, options.withRequestTimeout(Duration.ofNanos(budget)));
        } finally {
            if (context != null) {
                CallContexts.restore(previous);
            }
        }
        if (wrapped == null) {
            throw new IllegalStateException("a CallWrapper returned no future");
        }
        if (wrapped.isDone() || sent[0]) {
            return wrapped; // reached the transport, which times out at the budget itself: no timer per call
        }
        // a wrapper that went its own way (or calls on later): bounded here, with a margin for the transport's
        return HandlerExecutors.orTimeout(wrapped.copy(), budget + WRAPPED_MARGIN_NANOS);
    }

    /** Whether {@code failure} came from the node (and forgets it): else it is a wrapper's own. */
    boolean fromNode(Throwable failure) {
        return fromNode.remove(failure);
    }

    /** One attempt, unwrapped: the innermost {@link CallFunc} of a wrapped client. */
    private CompletableFuture<Response> send(Node node, Request request, CallOptions options) {
        SENT.get()[0] = true;
        long budget = options.requestTimeout().toNanos();
        EndpointTemplate endpoint = client.calls(request.service()).endpoint(request);
        CompletableFuture<Response> answer = new CompletableFuture<>();
        client.send(node, endpoint.protocol, endpoint.message(request, client.nextId(), budget),
                        options.requestTimeout())
                .whenComplete((response, error) -> {
                    if (error != null) {
                        Throwable failure = RpcCall.unwrap(error);
                        fromNode.add(failure);
                        answer.completeExceptionally(failure);
                        return;
                    }
                    Response ok;
                    try {
                        ok = endpoint.answer(response);
                    } catch (MicroException sent) {
                        fromNode.add(sent);
                        answer.completeExceptionally(sent);
                        return;
                    }
                    answer.complete(ok);
                });
        return answer;
    }
}
