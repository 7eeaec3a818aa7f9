package io.microcdi.tool;

import io.microcdi.client.CallOptions;
import io.microcdi.client.Client;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.errors.MicroException;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs the load: {@code concurrency} platform threads ({@code load-1}, {@code load-2}, ...), each making one
 * synchronous call after another, for the warm-up and then for the duration or until the call limit.
 *
 * <pre>{@code
 * LoadReport report = new ClosedLoop(client, request, client.defaultOptions("greeter"), options, System.err).run();
 * }</pre>
 *
 * <p>A closed loop: a thread starts its next call only when the last one has answered, so a slower service gets
 * fewer calls, as it would from real callers. A call is measured when it starts after the warm-up and answers before
 * the end; one still in flight at the end is abandoned, so the run ends on time even when the service hangs.
 */
final class ClosedLoop {

    /** How many distinct failure messages are shown as they happen. */
    static final int SHOWN_FAILURES = 5;

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final Client client;
    private final Request request;
    private final CallOptions callOptions;
    private final LoadOptions options;
    private final PrintStream err;

    private final AtomicLong tickets;
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final Set<String> shown = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;
    private long measureStart;
    private long end;

    ClosedLoop(Client client, Request request, CallOptions callOptions, LoadOptions options, PrintStream err) {
        this.client = client;
        this.request = request;
        this.callOptions = callOptions;
        this.options = options;
        this.err = err;
        this.tickets = new AtomicLong(options.calls() > 0 ? options.calls() : Long.MAX_VALUE);
    }

    /** Calls until the time or the calls are used up, printing progress each second unless quiet. */
    LoadReport run() throws InterruptedException {
        long start = System.nanoTime();
        measureStart = start + options.warmup().toNanos();
        end = measureStart + options.duration().toNanos();
        CountDownLatch done = new CountDownLatch(options.concurrency());
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 1; i <= options.concurrency(); i++) {
            Worker w = new Worker(done);
            Thread t = new Thread(w, "load-" + i);
            t.setDaemon(true); // never keeps the JVM up, whatever happens to the main thread
            workers.add(w);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        try {
            report(start, done);
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            stopped = true;
            threads.forEach(Thread::interrupt);
            throw e;
        }
        long measured = Math.min(System.nanoTime(), end) - measureStart;
        LatencyHistogram latencies = new LatencyHistogram();
        Map<String, Long> kinds = new HashMap<>();
        long calls = 0;
        long failures = 0;
        long abandoned = 0;
        for (Worker w : workers) {
            latencies.add(w.latencies);
            w.kinds.forEach((kind, n) -> kinds.merge(kind, n, Long::sum));
            calls += w.calls;
            failures += w.failures;
            abandoned += w.abandoned ? 1 : 0;
        }
        return new LoadReport(calls, failures, Math.max(0, measured), latencies, kinds, abandoned);
    }

    /** Waits for the workers, printing one progress line a second unless quiet. */
    private void report(long start, CountDownLatch done) throws InterruptedException {
        long tick = start + SECOND;
        long lastTick = start;
        long lastCompleted = 0;
        while (!done.await(tick - System.nanoTime(), TimeUnit.NANOSECONDS)) {
            long now = System.nanoTime();
            long failures = failed.sum(); // read first: a call is counted completed before failed, so failures <= calls
            long total = completed.sum();
            if (!options.quiet()) {
                long rps = Math.round((total - lastCompleted) * 1e9 / Math.max(1, now - lastTick));
                err.println("t=" + (tick - start) / SECOND + "s calls=" + total + " failures=" + failures
                        + " rps=" + rps + (tick - measureStart <= 0 ? " (warm-up)" : ""));
            }
            lastTick = now;
            lastCompleted = total;
            do {
                tick += SECOND; // a stalled main thread (a GC pause) skips seconds rather than printing a burst
            } while (tick - now <= 0);
        }
    }

    /** Shows a failure message the first time it is seen, up to {@link #SHOWN_FAILURES} of them. */
    private void show(String message) {
        if (shown.size() < SHOWN_FAILURES && !shown.contains(message) && shown.add(message)) {
            err.println("failure: " + message);
        }
    }

    /** One thread's loop; its figures are read once it has finished. */
    private final class Worker implements Runnable {

        private final CountDownLatch done;
        final LatencyHistogram latencies = new LatencyHistogram();
        final Map<String, Long> kinds = new HashMap<>();
        long calls;
        long failures;
        boolean abandoned;

        Worker(CountDownLatch done) {
            this.done = done;
        }

        @Override
        public void run() {
            try {
                loop();
            } finally {
                done.countDown();
            }
        }

        private void loop() {
            while (!stopped) {
                long t0 = System.nanoTime();
                if (t0 - end >= 0) {
                    return;
                }
                boolean measured = t0 - measureStart >= 0;
                if (measured && tickets.getAndDecrement() <= 0) {
                    return;
                }
                Throwable failure = null;
                CompletableFuture<Response> call = null;
                try {
                    call = client.call(request, callOptions);
                    call.get(end - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (TimeoutException | InterruptedException e) {
                    // the time is up (or the run was stopped): this call is not counted
                    abandoned = true;
                    call.cancel(false);
                    return;
                } catch (ExecutionException e) {
                    failure = e.getCause();
                } catch (RuntimeException e) {
                    failure = e; // call() itself threw
                }
                long latency = System.nanoTime() - t0;
                completed.increment();
                if (failure != null) {
                    failed.increment();
                }
                if (measured) {
                    latencies.record(latency);
                    calls++;
                    if (failure != null) {
                        failures++;
                        kinds.merge(kind(failure), 1L, Long::sum);
                    }
                }
                if (failure != null) {
                    show(message(failure));
                }
            }
        }
    }

    /** The error code of a {@link MicroException}, else the exception's class. */
    static String kind(Throwable failure) {
        Throwable t = unwrap(failure);
        return t instanceof MicroException me ? Integer.toString(me.code()) : t.getClass().getSimpleName();
    }

    /** {@code 503 Service Unavailable [go.micro.client]: service greeter: not found}, or the exception. */
    static String message(Throwable failure) {
        Throwable t = unwrap(failure);
        return t instanceof MicroException ? t.getMessage() : t.toString();
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
