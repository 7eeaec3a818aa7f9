package io.microcdi.telemetry;

/**
 * A part that reports to {@link Telemetry}: a server, a client, a selector, a transport. The container hands it the
 * telemetry once, after making it and before it starts serving or calling; until then it reports to
 * {@link Telemetry#NONE}.
 *
 * <pre>{@code
 * Server server = plugins.server(config, registry, transport, codecs);
 * if (server instanceof Observed o) o.observe(telemetry);
 * }</pre>
 */
public interface Observed {

    /** Reports to {@code telemetry} from now on. */
    void observe(Telemetry telemetry);

    /** Hands {@code telemetry} to {@code part} when it is {@link Observed}; returns {@code part}. */
    static <T> T wire(T part, Telemetry telemetry) {
        if (part instanceof Observed o && telemetry.enabled()) {
            o.observe(telemetry);
        }
        return part;
    }
}
