package io.microcdi.cdi.nonblocking;

import io.microcdi.cdi.app.Msg;
import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import java.util.concurrent.CompletionStage;

/** Prefixes a reply with the thread this interceptor ran on, so a test sees where the wrapper of an endpoint ran. */
@Threads
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
public class ThreadsInterceptor {

    @AroundInvoke
    Object around(InvocationContext ctx) throws Exception {
        String mine = Thread.currentThread().getName();
        Object result = ctx.proceed();
        if (result instanceof CompletionStage<?> stage) {
            return stage.thenApply(m -> new Msg(mine + " > " + ((Msg) m).text()));
        }
        return new Msg(mine + " > " + ((Msg) result).text());
    }
}
