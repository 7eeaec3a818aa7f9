package io.microcdi.broker.http;

import io.microcdi.broker.delivery.DeliveryConfig;
import io.microcdi.broker.delivery.Publication;
import io.microcdi.errors.ErrorJson;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.transport.PathTransport;
import io.microcdi.registry.Node;
import io.microcdi.selector.Next;
import io.microcdi.selector.cache.GroupSelector;
import io.microcdi.transport.Message;
import io.microcdi.transport.TransportException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * One message on its way to one target of a publish: a queue group (each attempt on a member not tried yet, as the
 * group's {@link Next} hands them out) or one broadcast subscriber (every attempt on it). An attempt is an async
 * {@code POST /_sub?id=<node>}; the next one starts where the previous answer arrived, so a publish holds no thread.
 *
 * <pre>{@code
 * GroupDelivery.toGroup(publication, body, deadline, group, sender).attempt();
 * GroupDelivery.toSubscriber(publication, body, deadline, node, sender).attempt();
 * }</pre>
 *
 * <p>Every failure is retried within {@code micro.broker.retries} and the publish timeout, except a subscriber's error
 * when {@code micro.broker.retry-handler-errors} is off or the error blames the message (a 4xx). A broadcast subscriber
 * whose last attempt proved it gone (the connection was refused: nothing listens there; or it answered 404: it does
 * not know the subscription) is skipped, with a warning, rather than failing the publish; one that timed out is not.
 */
final class GroupDelivery {

    /** What every delivery of a broker shares. */
    record Sender(PathTransport transport, DeliveryConfig config, GoneLog gone) {
    }

    private final Publication publication;
    private final Message body;
    private final String target;
    /** The members of a queue group, or {@code null} for a broadcast subscriber. */
    private final Next members;
    /** The broadcast subscriber, or {@code null} for a queue group. */
    private final Node subscriber;
    private final PathTransport transport;
    private final DeliveryConfig config;
    private final long deadline;
    private final GoneLog gone;
    private int attempts;
    /**
     * Whether the last attempt proved the broadcast subscriber gone: its connection was refused (nothing listens
     * there) or it answered 404 (it does not know the subscription). The latest evidence decides: a reset followed by
     * a refusal is a subscriber that left; a timeout never proves anything (a slow or overloaded subscriber is alive).
     */
    private boolean goneEvidence;
    private int lastCode;
    private String lastWhy;
    private Throwable lastCause;

    private GroupDelivery(Publication publication, Message body, long deadline, String target, Next members,
                          Node subscriber, Sender sender) {
        this.publication = publication;
        this.body = body;
        this.target = target;
        this.members = members;
        this.subscriber = subscriber;
        this.transport = sender.transport();
        this.config = sender.config();
        this.deadline = deadline;
        this.gone = sender.gone();
    }

    /** The delivery of {@code body} to one member of the queue group {@code group}. */
    static GroupDelivery toGroup(Publication publication, Message body, long deadline, GroupSelector.Group group,
                                 Sender sender) {
        return new GroupDelivery(publication, body, deadline, Publication.groupName(group.version()), group.next(),
                null, sender);
    }

    /** The delivery of {@code body} to the broadcast subscriber {@code node}. */
    static GroupDelivery toSubscriber(Publication publication, Message body, long deadline, Node node,
                                      Sender sender) {
        return new GroupDelivery(publication, body, deadline, "broadcast subscriber " + node.id(), null, node,
                sender);
    }

    /** The path of a delivery to {@code node}, as Go Micro's publisher writes it. */
    static String path(Node node) {
        return SubEndpoint.PATH + "?id=" + URLEncoder.encode(node.id(), StandardCharsets.UTF_8);
    }

    /** Starts the next attempt. */
    void attempt() {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            lastCode = 408;
            lastWhy = "not accepted within the publish timeout of " + config.publishTimeout().toMillis() + " ms"
                    + (lastWhy == null ? "" : "; last attempt: " + lastWhy);
            end();
            return;
        }
        attempts++;
        Node node = members != null ? members.next() : subscriber;
        long timeout = config.attemptNanos(left);
        transport.post(node.address(), path(node), body, Duration.ofNanos(timeout))
                .whenComplete((reply, error) -> ended(node, reply, error, timeout));
    }

    private void ended(Node node, PathTransport.Reply reply, Throwable error, long timeoutNanos) {
        if (error == null && reply.status() >= 200 && reply.status() < 300 && transportError(reply) == null) {
            mark(node, null);
            publication.accepted();
            return;
        }
        boolean retry = true;
        String why;
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            mark(node, cause);
            goneEvidence = cause instanceof TransportException t && !t.requestSent();
            boolean timedOut = cause instanceof TimeoutException;
            lastCode = timedOut ? 408 : 503;
            lastCause = cause;
            why = (timedOut ? "no answer within " + timeoutNanos / 1_000_000 + " ms: " : "not delivered: ")
                    + (cause.getMessage() == null ? cause.toString() : cause.getMessage());
        } else {
            mark(node, null); // it answered
            goneEvidence = false;
            String inHeader = transportError(reply);
            MicroException remote = ErrorJson.parse(inHeader != null ? inHeader
                    : new String(reply.message().body(), StandardCharsets.UTF_8));
            // the transport refusing the request (413, a malformed request) answers 200 with Micro-Error, as Go Micro
            int status = inHeader != null ? remote.code() : reply.status();
            lastCause = remote;
            if (inHeader != null && Publication.blamesMessage(status)) {
                lastCode = status;
                retry = false; // every member's transport would refuse it: too large, say
                why = "refused: " + remote.detail();
            } else if (status != 404 && Publication.blamesMessage(status)) {
                // the subscriber (or its /_sub) refused this message: every member would
                lastCode = status;
                retry = false;
                why = "refused: " + remote.detail();
            } else if (status == 500) {
                goneEvidence = false;
                lastCode = remote.code() >= 400 ? remote.code() : 500;
                retry = config.retryHandlerErrors() && !Publication.blamesMessage(lastCode);
                why = "subscriber failed: " + remote.detail();
            } else {
                goneEvidence = status == 404; // it does not know the subscription: the message went nowhere
                lastCode = 503;
                why = "not accepted: " + status + " " + (remote.detail().isEmpty() ? MicroException.statusText(status)
                        : remote.detail());
            }
        }
        lastWhy = why + " (node " + node.id() + " at " + node.address() + ", attempt " + attempts + " of "
                + config.attempts() + ")";
        if (retry && attempts < config.attempts()) {
            attempt();
        } else {
            end();
        }
    }

    /** No attempt is left: the group did not accept the message, unless it was a broadcast subscriber now gone. */
    private void end() {
        if (subscriber != null && goneEvidence && attempts > 0) {
            gone.skipped(publication.topic(), subscriber, lastWhy);
            publication.accepted();
            return;
        }
        publication.failed(Publication.failure(lastCode, publication.topic(), target, lastWhy, lastCause));
    }

    /** The {@code Micro-Error} of an answer from the transport rather than the subscriber, or {@code null}. */
    private static String transportError(PathTransport.Reply reply) {
        String e = reply.message().header().get("Micro-Error");
        return e != null ? e : reply.message().header().get("X-Micro-Error");
    }

    private void mark(Node node, Throwable error) {
        if (members != null) {
            members.mark(node, error);
        }
    }
}
