package io.microcdi.examples.quarkus.greeter;

/**
 * The client view of the greeter.
 *
 * <pre>{@code
 * @Inject @MicroClient("greeter") GreeterApi greeter;
 * }</pre>
 */
public interface GreeterApi {

    /** Calls {@code Greeter.Hello} and waits for the reply. */
    HelloReply hello(HelloRequest req);
}
