package io.microcdi.cdi.stream;

import io.microcdi.annotation.Service;
import io.microcdi.stream.Streams;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.stream.IntStream;

/** A streaming service bean: server, client and bidirectional streams, behind an interceptor. */
@Service(name = "ticker")
@Audited
public class Ticker {

    public record Count(int size) {
    }

    public record Tick(String text) {
    }

    public Flow.Publisher<Tick> ticks(Count c) {
        return Streams.fromIterable(() -> IntStream.range(0, c.size()).mapToObj(i -> new Tick("tick " + i)).iterator());
    }

    public Flow.Publisher<Tick> echo(Flow.Publisher<Tick> in) {
        return Streams.map(in, t -> new Tick("echo " + t.text()));
    }

    public CompletionStage<Tick> total(Flow.Publisher<Count> in) {
        return Streams.toList(in).thenApply(all -> new Tick("total " + all.stream().mapToInt(Count::size).sum()));
    }
}
