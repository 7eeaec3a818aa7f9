package io.microcdi.cdi.context.app;

import io.microcdi.annotation.Subscribe;
import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Records what subscribers see of their message's context, sync and in an async continuation on another thread. */
@ApplicationScoped
@Chain
public class Listener {

    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "listener-pool");
        t.setDaemon(true);
        return t;
    });

    private final Map<String, View> seen = new ConcurrentHashMap<>();

    @Inject
    CallContext call;

    @Subscribe(topic = "ctx-events")
    public CompletionStage<Void> onEvent(Msg m) {
        return CompletableFuture.runAsync(() -> seen.put(m.text(), View.of(call, m.text())),
                CallContexts.propagating(POOL));
    }

    public Map<String, View> seen() {
        return seen;
    }
}
