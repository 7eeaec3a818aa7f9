package io.microcdi.lifecycle;

/**
 * An observer of {@link BeforeStart} or {@link AfterStart} threw, so the process did not start: its message names the
 * event and what the observer said, its cause is what the observer threw.
 *
 * <pre>{@code
 * start aborted by an observer of BeforeStart: IllegalStateException: schema v7 expected, found v6 (nothing was started)
 * }</pre>
 */
public class StartAbortedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String event;

    /**
     * @param event the event whose observer threw, {@code BeforeStart} or {@code AfterStart}
     * @param undone what was undone, for the message ({@code nothing was started})
     * @param cause what the observer threw
     */
    public StartAbortedException(String event, String undone, Throwable cause) {
        super("start aborted by an observer of " + event + ": " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + " (" + undone + ")", cause);
        this.event = event;
    }

    /** The event whose observer threw: {@code BeforeStart} or {@code AfterStart}. */
    public String event() {
        return event;
    }
}
