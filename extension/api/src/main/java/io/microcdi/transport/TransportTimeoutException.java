package io.microcdi.transport;

import java.util.concurrent.TimeoutException;

/**
 * A send ran out of time: while waiting for a connection, dialing, or waiting for the answer.
 *
 * <pre>{@code
 * if (error instanceof TransportTimeoutException t && !t.requestSent()) retryElsewhere();
 * }</pre>
 */
public class TransportTimeoutException extends TimeoutException {

    private static final long serialVersionUID = 1L;

    private final boolean requestSent;

    /**
     * @param requestSent whether the request may have reached the server (then it may be running there)
     */
    public TransportTimeoutException(String message, boolean requestSent) {
        super(message);
        this.requestSent = requestSent;
    }

    /** Whether the request may have reached the server before time ran out. */
    public boolean requestSent() {
        return requestSent;
    }
}
