package io.microcdi.gateway;

import io.microcdi.client.Response;
import io.microcdi.errors.ErrorJson;
import io.microcdi.errors.MicroException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Flow;

/**
 * The answers of a stream as server-sent events: each message a {@code message} event (its JSON as {@code data}, a
 * binary message in base64), then an {@code end} event when the service ended its side, or an {@code error} event
 * with Go Micro's error JSON. One message is asked for per event written, so a slow reader slows the service down.
 *
 * <pre>{@code
 * data: {"greeting":"Hello Ann"}
 *
 * event: end
 * data: {}
 * }</pre>
 */
public final class StreamedReplies implements Flow.Subscriber<Response> {

    private static final Object END = new Object();
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);

    private final LinkedBlockingQueue<Object> signals = new LinkedBlockingQueue<>();
    private final String type;
    private final Runnable release;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile Flow.Subscription subscription;
    private Object pending;

    StreamedReplies(Flow.Publisher<Response> answers, String type, Runnable release) {
        this.type = type;
        this.release = release;
        answers.subscribe(this);
    }

    /**
     * Waits up to {@code wait} for the stream's first signal: the error {@link Reply} when the stream failed before
     * any message (no service, no node, a refused call), else {@code null} and the events follow in
     * {@link #writeTo}.
     */
    public Reply failure(Duration wait) {
        try {
            pending = signals.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            return Reply.error(MicroException.internalServerError(Reply.ID, "interrupted while opening the stream"));
        }
        if (pending instanceof Throwable t) {
            done();
            return Reply.error(Gateway.failure(t));
        }
        return null;
    }

    /** Writes the events until the stream ended, flushing each; a write failure (the reader left) cancels it. */
    public void writeTo(OutputStream out) throws IOException {
        try {
            while (true) {
                Object s = pending != null ? pending : signals.take();
                pending = null;
                if (s == END) {
                    out.write("event: end\ndata: {}\n\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    return;
                }
                if (s instanceof Throwable t) {
                    out.write("event: error\n".getBytes(StandardCharsets.US_ASCII));
                    data(out, ErrorJson.bytes(Gateway.failure(t)));
                    out.flush();
                    return;
                }
                byte[] body = ((Response) s).body();
                data(out, type.equals("application/json") ? body : Base64.getEncoder().encode(body));
                out.flush();
                subscription.request(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
        } catch (IOException | RuntimeException e) {
            cancel();
            throw e;
        } finally {
            done();
        }
    }

    /** Ends the stream in both directions, unless it ended. */
    public void cancel() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        done();
    }

    /** {@code data:} lines, one per line of {@code body} (an event's data may not hold a bare newline). */
    private static void data(OutputStream out, byte[] body) throws IOException {
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                int end = i > start && body[i - 1] == '\r' ? i - 1 : i;
                out.write(DATA);
                out.write(body, start, end - start);
                out.write('\n');
                start = i + 1;
            }
        }
        out.write('\n');
    }

    private void done() {
        if (released.compareAndSet(false, true)) {
            release.run();
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(Response item) {
        signals.add(item);
    }

    @Override
    public void onError(Throwable throwable) {
        signals.add(throwable);
    }

    @Override
    public void onComplete() {
        signals.add(END);
    }
}
