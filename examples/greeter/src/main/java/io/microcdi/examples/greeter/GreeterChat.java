package io.microcdi.examples.greeter;

import io.microcdi.annotation.MicroClient;
import io.microcdi.errors.MicroException;
import io.microcdi.stream.Streams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Iterator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Streams {@code count} names through one {@code Greeter.Chat} stream and checks every reply, in order: what
 * {@code greeter.jar chat 1000000} runs, and what it reports (messages per second, this process's peak heap).
 *
 * <pre>{@code
 * ChatResult r = chat.run(1_000_000);   // "1000000 replies in order in 4.1 s: 243,902 messages/s each way, ..."
 * }</pre>
 *
 * <p>The names are made as the stream asks for them and each reply is checked and dropped: the process holds a
 * window of messages, never the whole stream.
 */
@ApplicationScoped
public class GreeterChat {

    @Inject
    @MicroClient("greeter")
    GreeterApi greeter;

    /** Sends {@code count} requests on one stream and reads every reply. */
    public ChatResult run(long count) {
        resetPeaks();
        AtomicLong made = new AtomicLong();
        Iterable<HelloRequest> names = () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return made.get() < count;
            }

            @Override
            public HelloRequest next() {
                return new HelloRequest("n" + made.getAndIncrement());
            }
        };
        AtomicLong received = new AtomicLong();
        long started = System.nanoTime();
        try {
            Streams.forEach(greeter.chat(Streams.fromIterable(names)), reply -> {
                long i = received.getAndIncrement();
                if (!reply.greeting().equals("Hello n" + i)) {
                    throw new IllegalStateException("reply " + i + " out of order: " + reply.greeting());
                }
            }).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof MicroException me ? me
                    : new IllegalStateException("chat failed after " + received.get() + " replies", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted after " + received.get() + " replies", e);
        }
        long nanos = System.nanoTime() - started;
        if (received.get() != count) {
            throw new IllegalStateException("stream ended after " + received.get() + " of " + count + " replies");
        }
        return new ChatResult(count, nanos, peakHeap(), Runtime.getRuntime().maxMemory());
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    /**
     * What a chat run measured.
     *
     * @param messages  requests sent, and replies received
     * @param nanos     from the first request to the last reply
     * @param peakHeap  the sum of the heap pools' peak use during the run, in bytes
     * @param maxHeap   the heap limit ({@code -Xmx}), in bytes
     */
    public record ChatResult(long messages, long nanos, long peakHeap, long maxHeap) {

        /** Messages per second, each way. */
        public long perSecond() {
            return nanos == 0 ? 0 : messages * 1_000_000_000L / nanos;
        }

        @Override
        public String toString() {
            return String.format("chat: %d replies in order in %.2f s: %,d messages/s each way; peak heap %d MiB "
                            + "(limit %d MiB)", messages, nanos / 1e9, perSecond(), peakHeap >> 20, maxHeap >> 20);
        }
    }
}
