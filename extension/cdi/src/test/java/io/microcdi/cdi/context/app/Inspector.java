package io.microcdi.cdi.context.app;

import io.microcdi.annotation.MicroClient;
import io.microcdi.annotation.Service;
import io.microcdi.broker.Publisher;
import io.microcdi.annotation.Topic;
import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;
import jakarta.inject.Inject;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Shows handlers what their call context holds, sync and async, and passes it on downstream and to a topic. */
@Service(name = "inspector")
@Chain
@Gate
@Fault
public class Inspector {

    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "inspector-pool");
        t.setDaemon(true);
        return t;
    });

    private final AtomicInteger invocations = new AtomicInteger();

    @Inject
    CallContext call;

    @Inject
    @MicroClient("downstream")
    DownstreamApi downstream;

    @Inject
    @Topic("ctx-events")
    Publisher<Msg> events;

    public int invocations() {
        return invocations.get();
    }

    /** What this handler sees. */
    public View inspect(Msg in) {
        invocations.incrementAndGet();
        return View.of(call, in.text());
    }

    /** Calls downstream (sync) and returns what downstream saw. */
    public View forward(Msg in) {
        return downstream.look(in);
    }

    /** Calls downstream asynchronously; the continuation reads this call's context again (on another thread). */
    public CompletionStage<View> relay(Msg in) {
        return downstream.lookAsync(in).thenApply(seen -> {
            View mine = View.of(call, in.text());
            return new View(mine.kind(), mine.service(), mine.endpoint(), mine.topic(), seen.caller(), seen.remote(),
                    seen.deadlineLeftMillis(), seen.metadata(), mine.md("X-Id") + "|" + seen.md("X-Id"));
        });
    }

    /** Continues on a pool of its own, the context handed on by CallContexts.propagating. */
    public CompletionStage<View> later(Msg in) {
        return CompletableFuture.supplyAsync(() -> View.of(call, in.text()), CallContexts.propagating(POOL));
    }

    /** Publishes the text while handling: the message carries this call's metadata. */
    public Msg publish(Msg in) {
        events.publish(in);
        return in;
    }
}
