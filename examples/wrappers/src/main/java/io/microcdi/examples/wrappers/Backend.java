package io.microcdi.examples.wrappers;

import io.microcdi.annotation.Service;
import io.microcdi.context.CallContext;
import io.microcdi.wrappers.TraceContext;
import jakarta.inject.Inject;

/**
 * The backend (hop B): endpoint {@code Backend.Inspect} answers what it saw of the call. Three interceptors, in this
 * order: {@link AccessLog} logs the call, {@code @TraceContext} (built in) makes this hop a span of the caller's
 * trace, {@link RequireToken} turns away a call without the bearer token before it reaches the method.
 *
 * <pre>{@code
 * curl -s -H 'Content-Type: application/json' -H 'Micro-Service: backend' -H 'Micro-Endpoint: Backend.Inspect' \
 *      -H 'Authorization: Bearer open-sesame' -H 'X-Request-Id: r-1' -d '{}' http://127.0.0.1:PORT/
 * }</pre>
 */
@Service(name = "backend")
@AccessLog
@TraceContext
@RequireToken
public class Backend {

    @Inject
    CallContext call;

    /** What this call looks like from here: the client's request id, the caller {@code frontend}, the time left. */
    public HopView inspect() {
        return HopView.seen(call);
    }
}
