package io.microcdi.quarkus.deployment;

/** The client view of {@link Greeter}. */
public interface GreeterApi {

    /** Calls {@code Greeter.Hello}. */
    HelloReply hello(HelloRequest req);
}
