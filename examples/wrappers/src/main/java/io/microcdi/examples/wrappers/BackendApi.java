package io.microcdi.examples.wrappers;

/**
 * The client view of the backend: {@code inspect} calls {@code Backend.Inspect}.
 *
 * <pre>{@code
 * @Inject @MicroClient("backend") BackendApi backend;
 * HopView seen = backend.inspect();
 * }</pre>
 */
public interface BackendApi {

    /** Calls {@code Backend.Inspect}: what the backend saw of this call. */
    HopView inspect();
}
