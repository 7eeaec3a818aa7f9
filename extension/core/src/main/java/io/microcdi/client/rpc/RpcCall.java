package io.microcdi.client.rpc;

import io.microcdi.client.CallFunc;
import io.microcdi.client.CallOptions;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.context.CallContext;
import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.selector.Next;
import io.microcdi.telemetry.Observation;
import io.microcdi.transport.Message;
import io.microcdi.transport.TransportException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import static io.microcdi.client.rpc.RpcClient.ID;

/**
 * One call in progress, the retry engine of {@link RpcClient}: its attempts share the deadline and the {@link Next};
 * each outcome marks the node, and a failure the {@link io.microcdi.client.RetryPolicy} retries waits its
 * {@link Backoff} and tries the next node.
 *
 * <pre>{@code
 * new RpcCall(client, request, options, endpoint, next, deadline, false, null, null, result).attempt();
 * }</pre>
 */
final class RpcCall {
    private final RpcClient client;
    final Request request;
    final CallOptions options;
    final EndpointTemplate endpoint;
    final Next next;
    final long deadline;
    /** The deadline is an inbound call's, shorter than this call's own timeout. */
    final boolean inherited;
    /** The wrapped attempt, or {@code null}: straight to the transport. */
    final CallFunc chain;
    /** The call being handled when this one was made, for the wrappers of later attempts; or {@code null}. */
    final CallContext context;
    final CompletableFuture<Response> result;
    int attempts;
    /** The current attempt had the whole budget it is configured with (not a remnant of the deadline). */
    boolean fullBudget;
    /** The last attempt could not reach its node: the retry first asks the selector to {@link Next#renew}. */
    private boolean renewFirst;

    RpcCall(RpcClient client, Request request, CallOptions options, EndpointTemplate endpoint, Next next,
            long deadline, boolean inherited, CallFunc chain, CallContext context,
            CompletableFuture<Response> result) {
        this.client = client;
        this.request = request;
        this.options = options;
        this.endpoint = endpoint;
        this.next = next;
        this.deadline = deadline;
        this.inherited = inherited;
        this.chain = chain;
        this.context = context;
        this.result = result;
    }

    void attempt() {
        if (client.closed) {
            result.completeExceptionally(RpcClient.closed(request));
            return;
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            result.completeExceptionally(timeout());
            return;
        }
        if (result.isDone()) {
            return; // cancelled by the caller
        }
        long own = options.attemptTimeout().isZero() ? options.requestTimeout().toNanos()
                : options.attemptTimeout().toNanos();
        long budget = Math.min(remaining, own);
        // a timeout only says something about the node when the attempt had its whole budget (not the last
        // milliseconds of an inbound call's deadline, or of a call that already spent most of it)
        fullBudget = budget >= own / 2;
        Node node;
        try {
            node = next.next();
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        attempts++;
        Request sent = request;
        Observation observed = null;
        if (client.observed) {
            observed = client.telemetry.clientAttempt(client.protocolOf(node, endpoint.protocol), request.service(),
                    request.endpoint(), node.address(), attempts, request.metadata());
            Metadata md = observed.propagate(request.metadata());
            if (md != request.metadata()) {
                sent = request.withMetadata(md);
            }
        }
        Observation attempt = observed;
        try {
            if (chain == null) {
                client.send(node, endpoint.protocol, endpoint.message(sent, client.nextId(), budget),
                                Duration.ofNanos(budget))
                        .whenComplete((response, error) -> done(node, response, error, attempt));
            } else {
                client.wrapping.attempt(chain, context, node, sent, options, budget)
                        .whenComplete((response, error) -> {
                            Throwable failure = error == null ? null : unwrap(error);
                            if (attempt != null) {
                                attempt.end(failure == null ? 0 : RpcClient.code(failure), failure);
                            }
                            settle(node, response, failure);
                        });
            }
        } catch (RuntimeException e) {
            if (attempt != null) {
                attempt.end(500, e);
            }
            // a transport or wrapper that throws instead of failing its future: the node is still marked, once
            if (chain == null) {
                next.mark(node, null);
            } else {
                next.skip(node);
            }
            result.completeExceptionally(describe(e, node));
        }
    }

    /**
     * The transport's outcome: an answer (maybe an error the node sent) or a failure to get one; {@code attempt} (when
     * observed) is ended with it first.
     */
    private void done(Node node, Message response, Throwable error, Observation attempt) {
        if (error != null) {
            Throwable failure = unwrap(error);
            if (attempt != null) {
                attempt.end(RpcClient.code(failure), failure);
            }
            settle(node, null, failure);
            return;
        }
        Response answer;
        MicroException sent;
        try {
            answer = endpoint.answer(response);
            sent = null;
        } catch (MicroException e) {
            answer = null;
            sent = e;
        }
        if (attempt != null) {
            attempt.end(sent == null ? 0 : sent.code(), sent);
        }
        settle(node, answer, sent);
    }

    /**
     * The attempt's outcome: an answer, an error the node (or a wrapper) answered with, or a failure to reach the
     * node, which counts against it.
     */
    private void settle(Node node, Response response, Throwable failure) {
        if (failure == null) {
            next.mark(node, null);
            result.complete(response);
            return;
        }
        if (chain != null && !client.wrapping.fromNode(failure)) {
            next.skip(node); // a wrapper's own failure (a short-circuit): says nothing about the node
        } else if (failure instanceof MicroException) {
            next.mark(node, null); // the node answered
        } else {
            // the node's fault: it refused, reset or hung; not a timeout that only a nearly spent budget caused
            boolean nodeFault = !(failure instanceof TimeoutException) || fullBudget;
            next.mark(node, nodeFault ? failure : null);
        }
        if (attempts <= options.retries() && retryable(failure)) {
            retryAfterBackoff(failure, node);
        } else {
            result.completeExceptionally(describe(failure, node));
        }
    }

    private boolean retryable(Throwable failure) {
        try {
            return client.retryPolicy.retry(request, attempts, failure);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            return false;
        }
    }

    private void retryAfterBackoff(Throwable failure, Node node) {
        long delay = client.backoff.delay(attempts);
        long remaining = deadline - System.nanoTime();
        if (delay >= remaining) {
            result.completeExceptionally(describe(failure, node));
            return;
        }
        if (client.observed) {
            client.telemetry.retried(request.service(), request.endpoint(), RpcClient.code(failure));
        }
        // a node that could not be reached may be all this call knows of (a fresh client's first view): the retry
        // looks at the registry again first, which may block, so never on the I/O thread that reported the failure
        renewFirst = !(failure instanceof MicroException);
        if (delay < 50_000 && !renewFirst) { // under 50 µs: not worth a timer
            attempt();
            return;
        }
        client.backoff.schedule(this, delay);
    }

    /** The back-off is over (or the client closed): whoever takes the call off the waiting set runs it. */
    void afterBackoff() {
        if (client.backoff.release(this)) {
            if (renewFirst && !client.closed) {
                renewFirst = false;
                try {
                    next.renew();
                } catch (RuntimeException e) {
                    // a selector that fails to renew still has the nodes it had
                }
            }
            attempt();
        }
    }

    private MicroException describe(Throwable failure, Node node) {
        if (failure instanceof MicroException me) {
            return me;
        }
        String where = request.service() + " " + request.endpoint() + " at " + node.address()
                + (attempts > 1 ? " (attempt " + attempts + ")" : "");
        if (failure instanceof TimeoutException) {
            if (deadline - System.nanoTime() <= 0) {
                return timeout();
            }
            return MicroException.timeout(ID, "calling %s: attempt timed out after %s: %s", where,
                    options.attemptTimeout(), failure.getMessage());
        }
        if (failure instanceof TransportException te) {
            return new MicroException(ID, 500, "calling " + where + ": " + te.getMessage(),
                    MicroException.statusText(500), te);
        }
        return new MicroException(ID, 500, "calling " + where + ": " + failure, MicroException.statusText(500),
                failure);
    }

    private MicroException timeout() {
        return MicroException.timeout(ID, "call timeout: %s %s took longer than %s%s", request.service(),
                request.endpoint(), inherited ? "what was left of the deadline of the call being handled"
                        : options.requestTimeout(), attempts > 1 ? " (" + attempts + " attempts)" : "");
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
