package io.microcdi.examples.greeter;

import io.microcdi.annotation.NonBlocking;
import io.microcdi.annotation.Service;
import io.microcdi.errors.MicroException;
import io.microcdi.stream.Streams;

import java.util.concurrent.Flow;

/**
 * The greeter service: endpoints {@code Greeter.Hello}, {@code Greeter.HelloNow} (the same answer, served on the I/O
 * thread) and {@code Greeter.Chat} (a bidirectional stream).
 *
 * <pre>{@code
 * curl -s -H 'Content-Type: application/json' -H 'Micro-Service: greeter' -H 'Micro-Endpoint: Greeter.Hello' \
 *      -d '{"name":"John"}' http://127.0.0.1:PORT/
 * }</pre>
 */
@Service(name = "greeter")
public class Greeter {

    /** Greets {@code req.name()}; a missing name is the caller's mistake, so it is a 400. */
    public HelloReply hello(HelloRequest req) {
        if (req.name() == null || req.name().isBlank()) {
            throw MicroException.badRequest("greeter.hello", "name is required");
        }
        return new HelloReply("Hello " + req.name());
    }

    /**
     * Answers what {@link #hello} answers, on the I/O thread that read the request rather than a handler thread: it
     * only computes, so it saves the hand-off. A method that may block (I/O, locks, a synchronous call to another
     * service) must not say {@code @NonBlocking}.
     */
    @NonBlocking
    public HelloReply helloNow(HelloRequest req) {
        return hello(req);
    }

    /**
     * Greets every name of a stream, one reply per request, as fast as the caller reads the replies: a slow reader
     * slows the requests down, through the server, to the caller's producer.
     */
    public Flow.Publisher<HelloReply> chat(Flow.Publisher<HelloRequest> requests) {
        return Streams.map(requests, this::hello);
    }
}
