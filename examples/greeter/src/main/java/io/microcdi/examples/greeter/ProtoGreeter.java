package io.microcdi.examples.greeter;

import io.microcdi.annotation.Service;
import io.microcdi.errors.MicroException;
import io.microcdi.examples.greeter.proto.GreeterProto;

/**
 * The greeter in protobuf: service {@code greeter-proto}, endpoint {@code ProtoGreeter.Hello}, messages generated
 * from {@code src/main/proto/greeter.proto}; served by the same process as {@link Greeter}.
 *
 * <pre>{@code
 * printf '\012\004John' > req.bin      # HelloRequest{name: "John"}: field 1 (tag 0x0a = \012), 4 bytes
 * curl -s -H 'Content-Type: application/protobuf' -H 'Micro-Service: greeter-proto' \
 *      -H 'Micro-Endpoint: ProtoGreeter.Hello' --data-binary @req.bin http://127.0.0.1:PORT/ | od -c
 * }</pre>
 *
 * <p>Its own endpoint name keeps {@code Greeter.Hello} unambiguous: a caller that names no service (a legacy
 * envelope, a plain {@code Micro-Endpoint}) still reaches {@link Greeter}.
 */
@Service(name = "greeter-proto")
public class ProtoGreeter {

    /** Greets {@code req.getName()}; an empty name (proto3's default) is the caller's mistake, so it is a 400. */
    public GreeterProto.HelloReply hello(GreeterProto.HelloRequest req) {
        if (req.getName().isBlank()) {
            throw MicroException.badRequest("greeter-proto.hello", "name is required");
        }
        return GreeterProto.HelloReply.newBuilder().setGreeting("Hello " + req.getName()).build();
    }
}
