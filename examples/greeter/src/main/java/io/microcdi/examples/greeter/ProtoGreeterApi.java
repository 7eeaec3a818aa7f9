package io.microcdi.examples.greeter;

import io.microcdi.annotation.ContentType;
import io.microcdi.examples.greeter.proto.GreeterProto;

/**
 * The client view of {@link ProtoGreeter}: {@code hello} calls {@code ProtoGreeter.Hello} in
 * {@code application/protobuf}, whatever {@code micro.client.content-type} says.
 *
 * <pre>{@code
 * @Inject @MicroClient("greeter-proto") ProtoGreeterApi greeter;
 * greeter.hello(GreeterProto.HelloRequest.newBuilder().setName("John").build()).getGreeting();   // "Hello John"
 * }</pre>
 */
@ContentType("application/protobuf")
public interface ProtoGreeterApi {

    /** Calls {@code ProtoGreeter.Hello} and waits for the reply. */
    GreeterProto.HelloReply hello(GreeterProto.HelloRequest req);
}
