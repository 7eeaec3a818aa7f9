package io.microcdi.broker.memory;

import io.microcdi.broker.BrokerMessage;
import io.microcdi.errors.MicroException;
import io.microcdi.broker.delivery.Delivery;
import io.microcdi.broker.delivery.DeliveryConfig;
import io.microcdi.broker.delivery.Publication;
import io.microcdi.internal.exec.HandlerExecutors;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * One message on its way to one target of a publish, a queue group or a broadcast subscriber: an attempt on one
 * member, and on failure the next attempt on the next member (the same subscriber for broadcast), within the retries
 * and the publish timeout.
 *
 * <pre>{@code
 * new TargetDelivery(publication, message, group.members, group.nextTurn(), "queue group audit", config, deadline)
 *         .attempt();
 * }</pre>
 *
 * <p>Attempts run where the previous one ended (a worker, or the timer that timed it out) and only hand the next
 * delivery to a worker pool, so no thread waits on another.
 */
final class TargetDelivery {

    private final Publication publication;
    private final BrokerMessage message;
    private final MemorySubscription[] members;
    private final int first;
    private final String target;
    private final DeliveryConfig config;
    private final long deadline;
    /** Attempts made, and the member the next one goes to (relative to {@link #first}). */
    private int attempts;
    private int turn;
    private long timeoutNanos;
    private MicroException lastError;

    TargetDelivery(Publication publication, BrokerMessage message, MemorySubscription[] members, int first,
                   String target, DeliveryConfig config, long deadline) {
        this.publication = publication;
        this.message = message;
        this.members = members;
        this.first = first;
        this.target = target;
        this.config = config;
        this.deadline = deadline;
    }

    /** Starts the next attempt; called once by the publisher, then by the end of each failed attempt. */
    void attempt() {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            fail(408, "no member accepted the message within the publish timeout of "
                    + config.publishTimeout().toMillis() + " ms", lastError);
            return;
        }
        MemorySubscription member = nextActiveMember();
        if (member == null) {
            // every member left meanwhile: nothing is owed to subscribers that are gone
            if (lastError == null) {
                publication.accepted();
            } else {
                fail(lastError.code(), "every member left after a failed attempt: " + lastError.detail(), lastError);
            }
            return;
        }
        attempts++;
        Delivery delivery = member.delivery(publication.topic(), message);
        if (!member.start(delivery)) {
            ended(member, MicroException.internalServerError(Publication.ID, "its workers take no more work"), false);
            return;
        }
        timeoutNanos = config.attemptNanos(left);
        HandlerExecutors.orTimeout(delivery.outcome(), timeoutNanos)
                .whenComplete((ok, error) -> {
                    if (error == null) {
                        publication.accepted();
                    } else {
                        ended(member, error, true);
                    }
                });
    }

    private MemorySubscription nextActiveMember() {
        for (int k = 0; k < members.length; k++) {
            MemorySubscription m = members[(first + turn++) % members.length];
            if (m.active()) {
                return m;
            }
        }
        return null;
    }

    /** The attempt on {@code member} failed with {@code error}; {@code reached}: its handler may have run. */
    private void ended(MemorySubscription member, Throwable error, boolean reached) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        boolean handlerError = reached && !(cause instanceof TimeoutException);
        int code = !handlerError ? (reached ? 408 : 503) : cause instanceof MicroException m ? m.code() : 500;
        String what = cause instanceof TimeoutException ? "no answer within " + timeoutNanos / 1_000_000 + " ms"
                : handlerError ? "handler failed: " + message(cause)
                : "not delivered: " + message(cause);
        lastError = Publication.failure(code, publication.topic(), target, what + " (subscription " + member.id()
                + ", attempt " + attempts + " of " + config.attempts() + ")", cause);
        boolean retry = !handlerError || (config.retryHandlerErrors() && !Publication.blamesMessage(code));
        if (retry && attempts < config.attempts()) {
            attempt();
        } else {
            publication.failed(lastError);
        }
    }

    private void fail(int code, String why, Throwable cause) {
        publication.failed(Publication.failure(code, publication.topic(), target, why + " (" + attempts + " attempt"
                + (attempts == 1 ? "" : "s") + ")", cause));
    }

    private static String message(Throwable e) {
        if (e instanceof MicroException m) {
            return m.detail();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
