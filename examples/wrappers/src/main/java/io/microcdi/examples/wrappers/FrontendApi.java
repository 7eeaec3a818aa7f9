package io.microcdi.examples.wrappers;

import io.microcdi.annotation.Wrap;
import io.microcdi.wrappers.TraceContextWrapper;

/**
 * The client view of the frontend: {@code relay} calls {@code Frontend.Relay}. Its calls, and only its calls, go
 * through the built-in {@link TraceContextWrapper} (a new trace, a client span per attempt; always outermost) and
 * {@link RequestIdWrapper}: {@code @Wrap} names it, so the frontend's own client of the backend sends no fresh request
 * id and the client's travels on.
 *
 * <pre>{@code
 * @Inject @MicroClient("frontend") FrontendApi frontend;
 * RelayReply seen = frontend.relay();
 * }</pre>
 */
@Wrap({TraceContextWrapper.class, RequestIdWrapper.class})
public interface FrontendApi {

    /** Calls {@code Frontend.Relay}: what the frontend and the backend saw. */
    RelayReply relay();
}
