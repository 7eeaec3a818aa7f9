package io.microcdi.examples.wrappers;

import io.microcdi.context.CallContext;
import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/**
 * A plain CDI interceptor logging each call its service handles, with what the {@link CallContext} tells about it:
 * the endpoint, the calling service, the caller's address, the request id, the span the caller sent
 * ({@code parent}) and the span of this hop ({@code span}, made by {@code @TraceContext}), the outcome and the time.
 *
 * <pre>{@code
 * INFO: frontend Frontend.Relay caller=- from=127.0.0.1:40310 request=5f0c... parent=9e8d... span=a1b2... -> ok in 14 ms
 * INFO: backend Backend.Inspect caller=frontend from=127.0.0.1:40322 request=77e1... parent=a1b2... span=c3d4... -> 401 Unauthorized in 3 ms
 * }</pre>
 *
 * <p>It runs before the library interceptors ({@code @TraceContext} is {@code LIBRARY_BEFORE}), so it sees the call as
 * it arrived and times all of it; what the caller sent is {@link CallContext#received()} in any case.
 */
@AccessLog
@Interceptor
@Priority(Interceptor.Priority.LIBRARY_BEFORE - 100)
public class AccessLogInterceptor {

    private static final System.Logger LOG = System.getLogger(AccessLogInterceptor.class.getName());

    @Inject
    CallContext call;

    @AroundInvoke
    Object log(InvocationContext invocation) throws Exception {
        long start = System.nanoTime();
        Metadata arrived = call.received();
        String outcome = "500";
        try {
            Object result = invocation.proceed();
            outcome = "ok";
            return result;
        } catch (MicroException e) {
            outcome = e.code() + " " + e.status();
            throw e;
        } finally {
            LOG.log(System.Logger.Level.INFO, "{0} {1} caller={2} from={3} request={4} parent={5} span={6} -> {7} in {8} ms",
                    call.service(), call.endpoint(), orDash(call.callerService()), call.remoteAddress(),
                    orDash(arrived.get("X-Request-Id")), spanId(arrived.get("traceparent")),
                    spanId(call.metadata().get("traceparent")), outcome,
                    Long.toString((System.nanoTime() - start) / 1_000_000));
        }
    }

    /** The span id of a {@code traceparent} ({@code 00-<trace id>-<span id>-<flags>}), or {@code -}. */
    private static String spanId(String traceparent) {
        return traceparent != null && traceparent.length() >= 52 ? traceparent.substring(36, 52) : "-";
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
