package io.microcdi.cdi.stream;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/** The client view of {@link Ticker}. */
public interface TickerApi {

    Flow.Publisher<Ticker.Tick> ticks(Ticker.Count c);

    Flow.Publisher<Ticker.Tick> echo(Flow.Publisher<Ticker.Tick> in);

    CompletionStage<Ticker.Tick> total(Flow.Publisher<Ticker.Count> in);
}
