package io.microcdi.internal.transport;

import io.microcdi.errors.ErrorJson;
import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Message;
import io.microcdi.transport.MessageStream;
import io.microcdi.transport.TransportException;
import io.microcdi.transport.TransportTimeoutException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.microcdi.transport.MessageStream.END_OF_STREAM;
import static io.microcdi.transport.MessageStream.STREAM_HEADER;

/**
 * What every transport's {@link MessageStream} shares, over the transport's {@link StreamIo}: the receive side
 * ({@link Inbound}: demand, prefetch and pausing of reads), the send side ({@link Outbound}: credit and writability),
 * and what ties them together: Go Micro's end of stream and errors, and when the stream is over. A transport's
 * stream owns one, hands it the {@link MessageStream} calls ({@link EngineStream} does), and calls
 * {@link #received}, {@link #writabilityChanged}, {@link #broken} and {@link #idle} as its connection tells it.
 *
 * <pre>{@code
 * StreamEngine engine = new StreamEngine("7", "go.micro.client", io);
 * engine.received(message);   // on the loop, for each message read
 * }</pre>
 *
 * <p>Threads: {@link #received}, {@link #writabilityChanged}, {@link #broken}, {@link #idle} and the
 * {@link StreamIo} calls run on the transport's I/O thread ("the loop"); the receiving subscriber's signals run on
 * its executor, one at a time; the sending publisher may signal from any thread: its messages are queued and written
 * on the loop, in order.
 */
public final class StreamEngine {

    /**
     * How many messages are read ahead of the receiver's demand, and how many are asked of the sender's publisher
     * ahead of the connection: small enough to bound memory by the message size, large enough to keep the
     * connection busy.
     */
    public static final int WINDOW = 64;

    /** The end of a direction that completed, as {@link Inbound} and {@link Outbound} record it. */
    static final Object COMPLETE = new Object();

    private final String streamId;
    private final String errorId;
    private final StreamIo io;
    private final Inbound in;
    private final Outbound out;
    /** Set once, when the stream is released or aborted. */
    private final AtomicBoolean over = new AtomicBoolean();

    /**
     * @param streamId the {@code Micro-Stream} id, put on the end-of-stream and error messages this side sends
     * @param errorId  the id of the errors this side raises itself ({@code go.micro.server}, {@code go.micro.client})
     * @param io       the transport's part; the engine calls it only once the stream is used, not from here
     */
    public StreamEngine(String streamId, String errorId, StreamIo io) {
        this.streamId = Objects.requireNonNull(streamId, "streamId");
        this.errorId = errorId;
        this.io = Objects.requireNonNull(io, "io");
        this.in = new Inbound(this, io);
        this.out = new Outbound(this, io);
    }

    /** The stream's {@code Micro-Stream} id. */
    public String streamId() {
        return streamId;
    }

    /** Whether the stream is over (released or aborted); from any thread. */
    public boolean isOver() {
        return over.get();
    }

    // ---- MessageStream ----

    /** As {@link MessageStream#receive}. */
    public void receive(Flow.Subscriber<? super Message> subscriber, Executor executor) {
        in.subscribe(subscriber, executor);
    }

    /** As {@link MessageStream#send}. */
    public void send(Flow.Publisher<? extends Message> publisher) {
        out.send(publisher);
    }

    /** As {@link MessageStream#cancel}. */
    public void cancel() {
        fail(new TransportException("stream " + streamId + " cancelled", null, true), true);
    }

    // ---- what a transport calls, on the loop ----

    /** A message arrived from the peer. */
    public void received(Message message) {
        io.touch();
        String error = message.header().get("Micro-Error");
        if (error == null) {
            error = message.header().get("X-Micro-Error");
        }
        if (!in.received(message, error)) {
            return;
        }
        if (error != null) {
            if (!END_OF_STREAM.equals(error)) {
                out.stop(); // an error ends the stream: nothing we still send would be read
            }
            overIfDone();
        }
    }

    /** The connection can take more (or can no longer). */
    public void writabilityChanged() {
        out.scheduleWrites();
    }

    /**
     * The connection broke, or the peer reset the stream: the receiver gets {@code cause}, the publisher is
     * cancelled.
     */
    public void broken(Throwable cause) {
        fail(cause, false);
    }

    /** No message either way for the idle timeout: both sides fail, the peer is told. */
    public void idle(Duration timeout) {
        String text = "stream " + streamId + " idle for " + timeout.toMillis() + " ms";
        if (!over.compareAndSet(false, true)) {
            return;
        }
        in.fail(new TransportTimeoutException(text, true), false); // ours, before the peer can answer the 408
        if (out.close()) {
            // the peer is told, and the stream released, not aborted, so the 408 goes out before the connection does
            // (best effort: a peer that stopped reading may never read it)
            io.write(errorMessage(new MicroException(errorId, text, 408)));
            io.flush();
            io.release();
        } else {
            io.abort();
        }
        in.scheduleDelivery();
    }

    /** The message that carries {@code e} to the peer and ends this side's direction. */
    public Message errorMessage(MicroException e) {
        String json = ErrorJson.write(e);
        return new Message(Metadata.of(STREAM_HEADER, streamId, "Content-Type", "application/json",
                "Micro-Error", json), json.getBytes(StandardCharsets.UTF_8));
    }

    // ---- between the two sides ----

    /** The message that ends this side's direction: {@code Micro-Error: EOS}. */
    Message endMessage() {
        return new Message(Metadata.of(STREAM_HEADER, streamId, "Micro-Error", END_OF_STREAM), null);
    }

    /** What the send side sends for its publisher's error {@code t}: a 500 under our id unless it is a Micro error. */
    MicroException asMicro(Throwable t) {
        if (t instanceof MicroException e) {
            return e;
        }
        return new MicroException(errorId, 500, String.valueOf(t.getMessage() == null ? t : t.getMessage()),
                MicroException.statusText(500));
    }

    /** The send side wrote an error: it ends the stream both ways, so the receiver fails with it; on the loop. */
    void sentError(MicroException e) {
        in.endWith(e);
    }

    /**
     * Releases the stream once both directions ended, ours sent and the peer's finished or no longer wanted; on the
     * loop. Releasing while the peer still sends ends its direction too (it sees the stream broken, its publisher
     * cancelled): a transport releases gracefully, so everything either side sent before is still read.
     */
    void overIfDone() {
        boolean inboundOver = in.done();
        if (out.done() && inboundOver && over.compareAndSet(false, true)) {
            io.release();
        }
    }

    /** Ends both directions with {@code cause}: the receiver is told (unless it cancelled), the publisher cancelled. */
    void fail(Throwable cause, boolean local) {
        if (!over.compareAndSet(false, true)) {
            return;
        }
        in.fail(cause, local);
        io.onLoop(() -> {
            // on the loop, where request() is called: the publisher never sees request and cancel at once (rule 2.7)
            out.close();
            io.abort();
        });
        in.scheduleDelivery();
    }
}
