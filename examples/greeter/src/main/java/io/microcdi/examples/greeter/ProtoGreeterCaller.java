package io.microcdi.examples.greeter;

import io.microcdi.annotation.MicroClient;
import io.microcdi.examples.greeter.proto.GreeterProto;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Calls {@link ProtoGreeter} through an injected {@code @MicroClient} that speaks {@code application/protobuf}.
 *
 * <pre>{@code
 * protoCaller.greet("John")   // "Hello John", request and reply encoded as protobuf
 * }</pre>
 */
@ApplicationScoped
public class ProtoGreeterCaller {

    @Inject
    @MicroClient("greeter-proto")
    ProtoGreeterApi greeter;

    /** Asks the protobuf greeter to greet {@code name}. */
    public String greet(String name) {
        return greeter.hello(GreeterProto.HelloRequest.newBuilder().setName(name).build()).getGreeting();
    }
}
