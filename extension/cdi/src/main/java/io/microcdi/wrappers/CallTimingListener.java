package io.microcdi.wrappers;

/**
 * Receives the {@link CallTiming} of every call measured by {@link MeasuringInterceptor}: every CDI bean implementing
 * it does. Called on the thread that ended the call: keep it short and non-blocking. An exception it throws is
 * logged and does not affect the call.
 *
 * <pre>{@code
 * @ApplicationScoped
 * public class Histograms implements CallTimingListener {
 *     public void onCall(CallTiming t) {
 *         registry.timer("micro." + t.kind(), "name", t.name(), "code", String.valueOf(t.code()))
 *                 .record(t.nanos(), TimeUnit.NANOSECONDS);
 *     }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface CallTimingListener {

    /** A measured call ended. */
    void onCall(CallTiming timing);
}
