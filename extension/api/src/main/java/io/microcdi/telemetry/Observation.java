package io.microcdi.telemetry;

import io.microcdi.metadata.Metadata;

/**
 * One call served, attempt made, message published or message delivered, from its start to its {@link #end}: a
 * timer running, a span open, or both.
 *
 * <pre>{@code
 * Observation o = telemetry.serverCall("mucp", "greeter", "Greeter.Hello", headers);
 * Metadata md = o.propagate(InboundHeaders.metadata(headers));   // the handler's calls are children of this span
 * ... o.end(0, null);                                           // or o.end(e.code(), e)
 * }</pre>
 *
 * <p>{@link #end} is called exactly once, on whatever thread ends the work; the other methods before it, on the
 * thread that started it.
 */
public interface Observation {

    /** Observes nothing: what every hook gives when no telemetry is present. */
    Observation NONE = new Observation() {
        @Override
        public void end(int code, Throwable error) {
        }

        @Override
        public String toString() {
            return "Observation.NONE";
        }
    };

    /**
     * {@code headers} carrying this observation's trace context: for an attempt or a publish, the headers to send
     * (the peer's span becomes a child of this one); for a call served or a message delivered, the metadata its
     * handler sees (the calls it makes become children). {@code headers} itself when there is nothing to carry.
     */
    default Metadata propagate(Metadata headers) {
        return headers;
    }

    /**
     * Makes this observation the current one of the calling thread (OpenTelemetry's {@code Context.current()}) until
     * the returned scope closes, so that code instrumented by the library itself sees it as its parent.
     */
    default Scope makeCurrent() {
        return Scope.NONE;
    }

    /**
     * The work ended.
     *
     * @param code  {@code 0} for success, else the Go Micro error code ({@link io.microcdi.errors.MicroException#code()},
     *              {@code 500} for an exception of any other kind)
     * @param error what failed, or {@code null}
     */
    void end(int code, Throwable error);

    /** What {@link #makeCurrent} returns: closes without throwing. */
    @FunctionalInterface
    interface Scope extends AutoCloseable {

        /** Nothing to undo. */
        Scope NONE = () -> {
        };

        @Override
        void close();
    }
}
