package io.microcdi.internal.transport;

import io.microcdi.testing.transport.StreamProbes;
import io.microcdi.transport.Message;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine alone, with a stream whose "loop" is the test's thread, for races a real transport hits only now and
 * then.
 */
class StreamEngineTest {

    /** Writes into a list; runs loop tasks at once; lets a test act between the engine's steps via touch(). */
    private static final class ListStream implements EngineStream, StreamIo {
        final StreamEngine engine = new StreamEngine("1", "go.micro.client", this);
        final List<Message> written = new ArrayList<>();
        Runnable onTouch;
        boolean released;

        @Override
        public StreamEngine engine() {
            return engine;
        }

        @Override
        public String remoteAddress() {
            return "test:0";
        }

        @Override
        public void onLoop(Runnable task) {
            task.run();
        }

        @Override
        public void onLoopLater(Runnable task) {
            task.run(); // one thread, nothing else to yield to
        }

        @Override
        public void write(Message message) {
            written.add(message);
        }

        @Override
        public void flush() {
        }

        @Override
        public boolean writable() {
            return true;
        }

        @Override
        public void pauseReading(boolean pause) {
        }

        @Override
        public void release() {
            released = true;
        }

        @Override
        public void abort() {
        }

        @Override
        public void touch() {
            Runnable r = onTouch;
            onTouch = null;
            if (r != null) {
                r.run();
            }
        }
    }

    /**
     * A publisher on another thread may emit its last item and complete just after the loop drained the queue and
     * before it looked for the end: that item must still be written, before the end of stream. Here the publisher
     * signals from touch(), which the engine calls right in that gap.
     */
    @Test
    void anItemEmittedJustBeforeCompletionIsWrittenBeforeTheEndOfStream() {
        ListStream stream = new ListStream();
        List<Flow.Subscriber<? super Message>> subscriber = new ArrayList<>();
        stream.send(s -> {
            subscriber.add(s);
            s.onSubscribe(new Flow.Subscription() {
                public void request(long n) {
                }

                public void cancel() {
                }
            });
        });
        Flow.Subscriber<? super Message> s = subscriber.get(0);
        stream.onTouch = () -> {
            s.onNext(StreamProbes.item(1));
            s.onComplete();
        };
        s.onNext(StreamProbes.item(0));

        assertThat(stream.written).hasSize(3);
        assertThat(StreamProbes.number(stream.written.get(0))).isZero();
        assertThat(StreamProbes.number(stream.written.get(1))).isEqualTo(1);
        assertThat(stream.written.get(2).header().get("Micro-Error")).isEqualTo("EOS");
    }
}
