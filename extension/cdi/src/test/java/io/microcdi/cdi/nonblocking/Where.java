package io.microcdi.cdi.nonblocking;

import io.microcdi.annotation.Blocking;
import io.microcdi.annotation.NonBlocking;
import io.microcdi.annotation.Service;
import io.microcdi.cdi.app.Msg;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Answers with the thread each endpoint ran on, behind {@link ThreadsInterceptor}. */
@Threads
@Service(name = "where")
public class Where {

    @NonBlocking
    public Msg now(Msg in) {
        if (in.text().equals("boom")) {
            throw new IllegalStateException("boom on the loop");
        }
        return new Msg(Thread.currentThread().getName());
    }

    public CompletionStage<Msg> stage(Msg in) {
        return CompletableFuture.completedFuture(new Msg(Thread.currentThread().getName()));
    }

    public Msg blocking(Msg in) {
        return new Msg(Thread.currentThread().getName());
    }

    @Blocking
    public CompletionStage<Msg> blockingStage(Msg in) {
        return CompletableFuture.completedFuture(new Msg(Thread.currentThread().getName()));
    }
}
