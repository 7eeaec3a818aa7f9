package io.microcdi.server;

/**
 * Answers one decoded request: returns the response, or a {@code CompletionStage} of it.
 *
 * <pre>{@code
 * EndpointInvoker hello = req -> greeter.hello((HelloRequest) req);
 * }</pre>
 */
@FunctionalInterface
public interface EndpointInvoker {

    /**
     * Runs the endpoint; a thrown {@link io.microcdi.errors.MicroException} reaches the caller as is, anything else
     * as a 500 carrying the exception's message.
     */
    Object invoke(Object request) throws Throwable;
}
