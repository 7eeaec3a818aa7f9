package io.microcdi.examples.liberty;

/**
 * The client view of the greeter: {@code hello} calls {@code Greeter.Hello} on whichever node the selector picks.
 *
 * <pre>{@code
 * @Inject @MicroClient("greeter") GreeterApi greeter;
 * }</pre>
 */
public interface GreeterApi {

    /** Calls {@code Greeter.Hello} and waits for the reply. */
    HelloReply hello(HelloRequest req);
}
