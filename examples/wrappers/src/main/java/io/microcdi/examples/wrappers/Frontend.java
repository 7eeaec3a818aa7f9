package io.microcdi.examples.wrappers;

import io.microcdi.annotation.MicroClient;
import io.microcdi.annotation.Service;
import io.microcdi.context.CallContext;
import io.microcdi.wrappers.TraceContext;
import jakarta.inject.Inject;

/**
 * The frontend (hop A): endpoint {@code Frontend.Relay} calls the backend and answers what both saw. It sets no
 * header itself: its call to the backend carries the client's metadata ({@code X-Request-Id}, {@code Authorization}),
 * its own name as the caller and what is left of the client's deadline, because it is made while handling the
 * client's call. {@link AccessLog} logs every call it handles; {@code @TraceContext} (built in) makes it a span of
 * the client's trace, which its call to the backend carries as the parent.
 *
 * <pre>{@code
 * java -jar wrappers.jar call       # client -> frontend -> backend, one JSON line with what each hop saw
 * }</pre>
 */
@Service(name = "frontend")
@AccessLog
@TraceContext
public class Frontend {

    @Inject
    CallContext call;

    @Inject
    @MicroClient("backend")
    BackendApi backend;

    /** Calls {@code Backend.Inspect} on behalf of the caller. */
    public RelayReply relay() {
        HopView mine = HopView.seen(call);
        return new RelayReply(mine, backend.inspect());
    }
}
