package io.microcdi.transport.memory;

import io.microcdi.internal.exec.HandlerExecutors;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The "I/O thread" of one memory stream, shared by its two ends: tasks run one at a time, in order, on a thread of the
 * shared callback pool ({@code microcdi-callback}, or a virtual thread), open while a memory transport is; a task submitted from a task runs at once, as on an event
 * loop.
 *
 * <pre>{@code
 * MemoryLoop loop = new MemoryLoop();
 * loop.run(() -> client.received(message));
 * }</pre>
 */
final class MemoryLoop {

    private static final System.Logger LOG = System.getLogger(MemoryLoop.class.getName());

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    /** The thread draining the queue, while it does. */
    private volatile Thread runner;

    /** Runs {@code task} now when on this loop, else queues it. */
    void run(Runnable task) {
        if (Thread.currentThread() == runner) {
            runSafely(task);
            return;
        }
        tasks.offer(task);
        if (wip.getAndIncrement() == 0) {
            HandlerExecutors.callbacks().execute(this::drain);
        }
    }

    /** Queues {@code task} behind what is queued now, even from a task of this loop. */
    void later(Runnable task) {
        tasks.offer(task);
        if (wip.getAndIncrement() == 0) {
            HandlerExecutors.callbacks().execute(this::drain);
        }
    }

    /** Whether the calling thread is this loop's. */
    boolean inLoop() {
        return Thread.currentThread() == runner;
    }

    private void drain() {
        Thread me = Thread.currentThread();
        runner = me;
        int missed = 1;
        for (;;) {
            Runnable t;
            while ((t = tasks.poll()) != null) {
                runSafely(t);
            }
            runner = null; // before the count can reach 0: another thread may start the next drain right after
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
            runner = me;
        }
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.WARNING, "memory stream task failed", e);
        }
    }
}
