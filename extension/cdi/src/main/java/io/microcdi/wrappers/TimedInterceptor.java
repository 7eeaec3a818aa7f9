package io.microcdi.wrappers;

import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;
import jakarta.interceptor.InvocationContext;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@link LoggingInterceptor} and {@link MeasuringInterceptor} share: time a call served, a message handled or a
 * client call made, until it returns, throws, or (for a {@link CompletionStage}) completes, without blocking.
 *
 * <p>A bean method called directly while a call is handled (one bean calling another) is not a second call: only
 * the outermost intercepted method of each inbound call on a thread is timed (one called from a continuation of the
 * call on another thread is timed again). A method called outside any call is not timed.
 */
abstract class TimedInterceptor {

    /** The inbound call this kind of interceptor already times on this thread. */
    private final ThreadLocal<CallContext> timing;

    /** An instance serves one client method, or the methods of one bean instance. */
    private final Map<Method, String> clientNames = new ConcurrentHashMap<>();

    TimedInterceptor(ThreadLocal<CallContext> timing) {
        this.timing = timing;
    }

    /** Proceeds, then reports how the call ended to {@link #ended}. */
    final Object time(InvocationContext ic) throws Exception {
        Object target = ic.getTarget();
        if (Calls.isClient(target)) {
            return run(ic, null);
        }
        CallContext call = CallContexts.current();
        CallContext outer = timing.get();
        if (!call.active() || outer == call) {
            return ic.proceed();
        }
        timing.set(call);
        try {
            return run(ic, call);
        } finally {
            timing.set(outer);
        }
    }

    private Object run(InvocationContext ic, CallContext call) throws Exception {
        String client = call == null ? clientName(ic.getTarget(), ic.getMethod()) : null;
        long start = System.nanoTime();
        Object result;
        try {
            result = ic.proceed();
        } catch (Exception | Error e) {
            ended(call, client, e, System.nanoTime() - start);
            throw e;
        }
        if (result instanceof CompletionStage<?> stage) {
            // the call ends when the stage does; the stage is returned as is, its outcome unchanged
            stage.whenComplete((value, error) -> ended(call, client, error == null ? null : Calls.unwrap(error),
                    System.nanoTime() - start));
        } else {
            ended(call, client, null, System.nanoTime() - start);
        }
        return result;
    }

    /**
     * A call ended; must not throw.
     *
     * @param call   the inbound call or message, or {@code null} for a client call
     * @param client for a client call, {@code GreeterApi.hello}; else {@code null}
     * @param error  why it failed, or {@code null}
     * @param nanos  how long it took
     */
    abstract void ended(CallContext call, String client, Throwable error, long nanos);

    /** {@code GreeterApi.hello}, made once per method. */
    private String clientName(Object proxy, Method method) {
        String name = clientNames.get(method);
        return name != null ? name : clientNames.computeIfAbsent(method, m -> Calls.clientName(proxy, m));
    }
}
