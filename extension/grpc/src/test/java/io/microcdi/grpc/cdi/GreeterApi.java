package io.microcdi.grpc.cdi;

/** The client view of {@link Greeter}. */
public interface GreeterApi {

    Greeting hello(Hello req);
}
