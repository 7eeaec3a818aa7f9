package io.microcdi.broker.kafka;

import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.delivery.BrokerJson;
import io.microcdi.broker.delivery.Delivery;
import io.microcdi.broker.delivery.Publication;
import io.microcdi.errors.MicroException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The records of one assigned partition, handled one at a time in offset order on the broker's workers: a lane is
 * scheduled on a worker while it has records, and runs them until it has none or one must wait (a retry's back-off,
 * an acknowledgement to come, a dead letter being stored), after which the continuation schedules it again.
 *
 * <pre>{@code
 * lane.offer(records.records(tp));   // poll thread
 * long next = lane.handled();        // the offset to commit: after the last record handled or dead-lettered
 * }</pre>
 *
 * <p>A stopped lane (its partition revoked, or the subscription closing) starts no record; the record in hand runs to
 * its end, and {@link #awaitIdle} waits for that. A record waiting for a retry is abandoned, not handled: it is not
 * committed, and the partition's next owner gets it.
 */
final class Lane implements Runnable {

    private static final System.Logger LOG = System.getLogger(Lane.class.getName());

    final TopicPartition partition;
    private final KafkaSubscription subscription;
    private final KafkaBrokerConfig config;
    /** Guarded by this. */
    private final ArrayDeque<ConsumerRecord<byte[], byte[]>> queue = new ArrayDeque<>();
    /** Guarded by this: a worker runs this lane, or a continuation will schedule it. */
    private boolean scheduled;
    /** Guarded by this: a handler or a dead-letter publish is under way. */
    private boolean busy;
    private volatile boolean stopped;
    /** The offset after the last record finished, {@code -1} before the first. */
    private volatile long handled = -1;
    /** The offset of the first record offered, and the one after the last: {@code -1} before any. */
    private volatile long first = -1;
    private volatile long fetched = -1;
    /** The poll thread's own: the offset last committed, and whether the partition is paused. */
    long committed = -1;
    boolean paused;

    Lane(KafkaSubscription subscription, TopicPartition partition) {
        this.subscription = subscription;
        this.partition = partition;
        this.config = subscription.config();
    }

    long handled() {
        return handled;
    }

    synchronized int queued() {
        return queue.size();
    }

    /** The records fetched and not finished yet: queued, in hand, waiting for a retry or an acknowledgement. */
    long unfinished() {
        long f = fetched;
        long h = handled;
        return f < 0 ? 0 : Math.max(0, f - (h >= 0 ? h : first));
    }

    /** Appends records (the poll thread), and schedules the lane unless it runs already. */
    void offer(List<ConsumerRecord<byte[], byte[]>> records) {
        synchronized (this) {
            if (stopped) {
                return;
            }
            queue.addAll(records);
            if (!records.isEmpty()) {
                if (first < 0) {
                    first = records.get(0).offset();
                }
                fetched = records.get(records.size() - 1).offset() + 1;
            }
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        schedule();
    }

    private void schedule() {
        try {
            subscription.running().workers().execute(this);
        } catch (RejectedExecutionException e) {
            // the broker is disconnecting: nothing more is handled, and nothing more committed
            synchronized (this) {
                scheduled = false;
                busy = false;
                notifyAll();
            }
        }
    }

    /** Starts no record from now on. */
    void stop() {
        synchronized (this) {
            stopped = true;
            queue.clear();
        }
    }

    /** Waits until no handler of this lane runs, up to {@code deadline} ({@link System#nanoTime()}). */
    synchronized boolean awaitIdle(long deadline) {
        long left;
        while (busy && (left = deadline - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !busy;
    }

    @Override
    public void run() {
        while (true) {
            ConsumerRecord<byte[], byte[]> record;
            synchronized (this) {
                record = stopped ? null : queue.poll();
                if (record == null) {
                    scheduled = false;
                    return;
                }
                busy = true;
            }
            BrokerMessage message;
            try {
                message = Records.decode(record, config.wire());
            } catch (BrokerJson.MalformedException e) {
                // no attempt can decode it: a dead letter at once, as it came
                if (!deadLetter(record, null, "not a Go Micro broker message: " + e.getMessage())) {
                    return;
                }
                continue;
            }
            if (!attempt(record, message, 1)) {
                return; // a continuation schedules the lane again
            }
        }
    }

    /**
     * Runs the handler; returns whether the record is finished (handled, or dead-lettered) on this thread, so that the
     * lane goes on with the next one here; otherwise a continuation finishes it and schedules the lane.
     */
    private boolean attempt(ConsumerRecord<byte[], byte[]> record, BrokerMessage message, int n) {
        Delivery d = new Delivery(record.topic(), message, subscription.handler, subscription.options.autoAck());
        d.run();
        CompletableFuture<Void> outcome = d.outcome();
        if (outcome.isDone() && !outcome.isCompletedExceptionally()) {
            finished(record);
            return true;
        }
        if (outcome.isDone()) {
            return failed(record, message, n, cause(outcome));
        }
        // auto-ack off and not acknowledged yet: the partition waits for it, in order
        outcome.whenComplete((ok, error) -> {
            if (error == null) {
                finished(record);
                schedule();
            } else if (failed(record, message, n, unwrap(error))) {
                schedule();
            }
        });
        return false;
    }

    /** After a failed attempt: a retry after the back-off, or the dead letter. Returns as {@link #attempt} does. */
    private boolean failed(ConsumerRecord<byte[], byte[]> record, BrokerMessage message, int n, Throwable failure) {
        if (n < config.delivery().attempts() && retryable(failure)) {
            long backoff = Math.min(config.retryBackoffMax().toNanos(),
                    config.retryBackoff().toNanos() << Math.min(n - 1, 30));
            idle();
            subscription.running().timer().schedule(() -> {
                try {
                    subscription.running().workers().execute(() -> retry(record, message, n + 1));
                } catch (RejectedExecutionException e) {
                    abandon();
                }
            }, backoff, TimeUnit.NANOSECONDS);
            return false;
        }
        return deadLetter(record, message, failure.getMessage() == null ? failure.toString() : failure.getMessage());
    }

    private void retry(ConsumerRecord<byte[], byte[]> record, BrokerMessage message, int n) {
        synchronized (this) {
            if (stopped) {
                abandon();
                return;
            }
            busy = true;
        }
        if (attempt(record, message, n)) {
            run(); // the rest of the lane, on this worker
        }
    }

    /**
     * Publishes the dead letter; the record is finished once it is stored. Returns whether that happened on this
     * thread (it never does: the publish completes on a callback thread, which then schedules the lane).
     */
    private boolean deadLetter(ConsumerRecord<byte[], byte[]> record, BrokerMessage message, String why) {
        KafkaBroker.Running r = subscription.running();
        subscription.broker().deadLetter(r, record, message, why).whenComplete((ok, error) -> {
            if (error == null) {
                finished(record);
                schedule();
                return;
            }
            LOG.log(Level.WARNING, "kafka: storing the dead letter of {0} offset {1} failed ({2}); again in {3} ms",
                    partition, record.offset(), error.getMessage(), config.retryBackoffMax().toMillis());
            idle();
            r.timer().schedule(() -> {
                synchronized (this) {
                    if (stopped) {
                        abandon();
                        return;
                    }
                    busy = true;
                }
                deadLetter(record, message, why);
            }, config.retryBackoffMax().toMillis(), TimeUnit.MILLISECONDS);
        });
        return false;
    }

    /** The record is done with: its offset may be committed. */
    private void finished(ConsumerRecord<byte[], byte[]> record) {
        handled = record.offset() + 1;
        idle();
    }

    private synchronized void idle() {
        busy = false;
        notifyAll();
    }

    /** Stopped while a record waited: it stays uncommitted, and the lane ends. */
    private synchronized void abandon() {
        busy = false;
        scheduled = false;
        notifyAll();
    }

    private boolean retryable(Throwable failure) {
        if (!config.delivery().retryHandlerErrors()) {
            return false;
        }
        return !(failure instanceof MicroException m && Publication.blamesMessage(m.code()));
    }

    private static Throwable cause(CompletableFuture<Void> done) {
        try {
            done.join();
            return null;
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            return unwrap(e);
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    @Override
    public String toString() {
        return "lane " + partition;
    }
}
