package io.microcdi.bench.jmh;

import io.microcdi.annotation.MicroClient;
import io.microcdi.examples.greeter.GreeterApi;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/**
 * The typed clients {@link WrapperBench} compares, each injected as an application would inject it: of the real
 * greeter ({@code greeter}) and of a listener that answers on the caller's thread ({@code inline}). Dependent, so
 * that the fields are read on the instance, not on a client proxy.
 *
 * <pre>{@code
 * container.select(GreeterClients.class).get().intercepted.hello(request)
 * }</pre>
 */
@Dependent
public class GreeterClients {

    @Inject
    @MicroClient("greeter")
    GreeterApi plain;

    @Inject
    @MicroClient("greeter")
    InterceptedGreeterApi intercepted;

    @Inject
    @MicroClient("greeter")
    WrappedGreeterApi wrapped;

    @Inject
    @MicroClient(WrapperBench.INLINE)
    GreeterApi inlinePlain;

    @Inject
    @MicroClient(WrapperBench.INLINE)
    InterceptedGreeterApi inlineIntercepted;

    @Inject
    @MicroClient(WrapperBench.INLINE)
    WrappedGreeterApi inlineWrapped;
}
