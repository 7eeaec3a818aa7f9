package io.microcdi.broker.delivery;

import io.microcdi.errors.MicroException;
import io.microcdi.internal.exec.HandlerExecutors;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One publish to the groups subscribed to its topic: it completes once every group accepted the message, or fails
 * with a {@link MicroException} naming each group that did not.
 *
 * <pre>{@code
 * Publication p = new Publication("orders", 2);
 * p.accepted();                                                                  // group "audit" took it
 * p.failed(Publication.failure(500, "orders", "queue group shipping", "...", cause));
 * return p.future();   // fails: the one failure as is; several in one exception
 * }</pre>
 *
 * <p>The future completes on a callback thread ({@link HandlerExecutors#callbacks()}), never on an I/O or subscriber
 * thread, so a caller's continuation may block.
 */
public final class Publication {

    /** The id of the errors of the built-in brokers, as Go Micro's broker. */
    public static final String ID = "go.micro.broker";

    private final String topic;
    private final CompletableFuture<Void> future = new CompletableFuture<>();
    private final AtomicInteger pending;
    /** Guarded by itself; rarely touched: only failures land here. */
    private final List<MicroException> failures = new ArrayList<>(1);

    /** A publication to {@code groups} target groups, at least one. */
    public Publication(String topic, int groups) {
        if (groups < 1) {
            throw new IllegalArgumentException("groups: " + groups + " (expected: > 0)");
        }
        this.topic = topic;
        this.pending = new AtomicInteger(groups);
    }

    public String topic() {
        return topic;
    }

    /** Completes when every group accepted the message; fails otherwise. */
    public CompletableFuture<Void> future() {
        return future;
    }

    /** One group accepted the message. */
    public void accepted() {
        if (pending.decrementAndGet() == 0) {
            finish();
        }
    }

    /** One group did not accept the message, for good. */
    public void failed(MicroException error) {
        synchronized (failures) {
            failures.add(error);
        }
        if (pending.decrementAndGet() == 0) {
            finish();
        }
    }

    private void finish() {
        MicroException error;
        synchronized (failures) {
            error = combined(failures);
        }
        try {
            HandlerExecutors.callbacks().execute(() -> complete(error));
        } catch (RejectedExecutionException e) {
            complete(error);
        }
    }

    private void complete(MicroException error) {
        if (error == null) {
            future.complete(null);
        } else {
            future.completeExceptionally(error);
        }
    }

    private static MicroException combined(List<MicroException> failures) {
        if (failures.isEmpty()) {
            return null;
        }
        MicroException first = failures.get(0);
        if (failures.size() == 1) {
            return first;
        }
        StringBuilder detail = new StringBuilder(failures.size() + " groups did not accept the message: ");
        for (int i = 0; i < failures.size(); i++) {
            detail.append(i == 0 ? "" : "; ").append(failures.get(i).detail());
        }
        MicroException all = new MicroException(ID, first.code(), detail.toString(), first.status(), first);
        for (int i = 1; i < failures.size(); i++) {
            all.addSuppressed(failures.get(i));
        }
        return all;
    }

    /**
     * The error of a group that did not accept a message of {@code topic}: {@code "topic orders, queue group audit:
     * <why>"} under {@link #ID}.
     *
     * @param code   500 (or the subscriber's own code) when the subscriber failed, 503 when no member could be
     *               reached, 408 when the publish timed out
     * @param target the group, for example {@code queue group audit} or {@code broadcast subscriber broker-1}
     */
    public static MicroException failure(int code, String topic, String target, String why, Throwable cause) {
        return new MicroException(ID, code, "topic " + topic + ", " + target + ": " + why,
                MicroException.statusText(code), cause);
    }

    /**
     * Whether a subscriber's error with {@code code} blames the message itself (a 4xx other than 408 and 429: it does
     * not decode, its content type has no codec), so that another member would refuse it too: not worth a retry.
     */
    public static boolean blamesMessage(int code) {
        return code >= 400 && code < 500 && code != 408 && code != 429;
    }

    /** The name of the group a queue name stands for, in errors and logs. */
    public static String groupName(String queue) {
        return queue.isEmpty() ? "broadcast" : "queue group " + queue;
    }
}
