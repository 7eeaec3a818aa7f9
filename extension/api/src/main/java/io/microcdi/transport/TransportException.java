package io.microcdi.transport;

/**
 * A connection could not be made, or broke before the response arrived.
 *
 * <pre>{@code
 * throw new TransportException("connect 127.0.0.1:9: Connection refused", cause, false);
 * }</pre>
 */
public class TransportException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean requestSent;

    /**
     * @param requestSent whether the request may have reached the server (then a retry could run it twice)
     */
    public TransportException(String message, Throwable cause, boolean requestSent) {
        super(message, cause);
        this.requestSent = requestSent;
    }

    /** Whether the request may have reached the server before the failure. */
    public boolean requestSent() {
        return requestSent;
    }
}
