package io.microcdi.wrappers;

import io.microcdi.context.CallContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import java.util.List;

/**
 * Measures each call served, message handled or client call made and hands a {@link CallTiming} to every
 * {@link CallTimingListener} bean, such as {@link CallStats}.
 *
 * <pre>{@code
 * @Service @Measured
 * public class Greeter { ... }       // CallTiming("call", "greeter Greeter.Hello", 1200000, 0)
 * }</pre>
 *
 * <p>The listeners are looked up once, at the first call this interceptor measures. An asynchronous result is
 * measured until it completes.
 */
@Measured
@Interceptor
@Priority(Interceptor.Priority.LIBRARY_BEFORE + 20)
public class MeasuringInterceptor extends TimedInterceptor {

    private static final System.Logger LOG = System.getLogger(Measured.class.getName());
    private static final ThreadLocal<CallContext> MEASURING = new ThreadLocal<>();

    @Inject
    @Any
    Instance<CallTimingListener> lookup;

    private volatile List<CallTimingListener> listeners;

    public MeasuringInterceptor() {
        super(MEASURING);
    }

    @AroundInvoke
    Object measure(InvocationContext ic) throws Exception {
        return time(ic);
    }

    @Override
    void ended(CallContext call, String client, Throwable error, long nanos) {
        List<CallTimingListener> all = listeners();
        if (all.isEmpty()) {
            return;
        }
        CallTiming timing = call == null ? new CallTiming(CallTiming.CLIENT, client, nanos, Calls.code(error))
                : call.kind() == CallContext.Kind.MESSAGE
                ? new CallTiming(CallTiming.MESSAGE, call.topic() + " " + call.endpoint(), nanos, Calls.code(error))
                : new CallTiming(CallTiming.CALL, call.service() + " " + call.endpoint(), nanos, Calls.code(error));
        for (CallTimingListener listener : all) {
            try {
                listener.onCall(timing);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "CallTimingListener " + listener.getClass().getName()
                        + " failed on " + timing.name() + " (the call is not affected)", e);
            }
        }
    }

    private List<CallTimingListener> listeners() {
        List<CallTimingListener> l = listeners;
        if (l == null) {
            // a race makes two equal lists; the listeners are beans, so both hold the same ones
            l = lookup.stream().toList();
            listeners = l;
        }
        return l;
    }
}
