package io.microcdi.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The lines of an input stream as a cold, demand-driven publisher of UTF-8 bytes, one message per non-blank line:
 * a line is read only when the subscriber asked for one, on a thread of its own (reading blocks; {@code request} is
 * called on I/O threads and must not). The end of the input completes it.
 *
 * <pre>{@code
 * streamingClient.stream(open, new LinePublisher(System.in), options)   // JSON lines in, as the server takes them
 * }</pre>
 */
final class LinePublisher implements Flow.Publisher<byte[]> {

    private final InputStream in;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    LinePublisher(InputStream in) {
        this.in = in;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super byte[]> subscriber) {
        if (!subscribed.compareAndSet(false, true)) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            subscriber.onError(new IllegalStateException("standard input is read once"));
            return;
        }
        Reading reading = new Reading(subscriber);
        subscriber.onSubscribe(reading);
        Thread t = new Thread(reading, "micro-stdin");
        t.setDaemon(true);
        t.start();
    }

    /** One subscription: demand counted under a lock, the reader thread waiting for it. */
    private final class Reading implements Flow.Subscription, Runnable {

        private final Flow.Subscriber<? super byte[]> subscriber;
        private long demand;
        private boolean cancelled;

        Reading(Flow.Subscriber<? super byte[]> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public synchronized void request(long n) {
            if (n <= 0) {
                cancelled = true; // §3.9: the error is signalled by the reader thread
                notifyAll();
                return;
            }
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            notifyAll();
        }

        @Override
        public synchronized void cancel() {
            cancelled = true;
            notifyAll();
        }

        /** Waits for demand; {@code false} once cancelled. */
        private synchronized boolean awaitDemand() throws InterruptedException {
            while (demand == 0 && !cancelled) {
                wait();
            }
            if (cancelled) {
                return false;
            }
            demand--;
            return true;
        }

        @Override
        public void run() {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            try {
                while (awaitDemand()) {
                    String line = reader.readLine();
                    while (line != null && line.isBlank()) {
                        line = reader.readLine();
                    }
                    if (line == null) {
                        subscriber.onComplete();
                        return;
                    }
                    subscriber.onNext(line.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                subscriber.onError(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
