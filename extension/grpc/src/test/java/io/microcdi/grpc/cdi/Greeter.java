package io.microcdi.grpc.cdi;

import io.microcdi.annotation.Service;
import io.microcdi.errors.MicroException;
import io.microcdi.stream.Streams;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/** The service {@code greeter-cdi}, endpoint {@code Greeter.Hello} and three streams, served by whichever server. */
@Service(name = "greeter-cdi")
public class Greeter {

    public Greeting hello(Hello req) {
        if (req.name() == null || req.name().isBlank()) {
            throw MicroException.badRequest("greeter-cdi.hello", "name is required");
        }
        return new Greeting("Hello " + req.name(), Thread.currentThread().getName());
    }

    /** Server streaming: three greetings. */
    public Flow.Publisher<Greeting> lots(Hello req) {
        List<Greeting> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            all.add(new Greeting("Hello " + req.name() + " " + i, Thread.currentThread().getName()));
        }
        return Streams.fromIterable(all);
    }

    /** Client streaming: one greeting for every name sent. */
    public CompletionStage<Greeting> gather(Flow.Publisher<Hello> names) {
        return Streams.toList(names).thenApply(all -> new Greeting("Hello " + String.join(" and ",
                all.stream().map(Hello::name).toList()), Thread.currentThread().getName()));
    }

    /** Bidirectional: a greeting for each name, as it comes. */
    public Flow.Publisher<Greeting> chat(Flow.Publisher<Hello> names) {
        return Streams.map(names, this::hello);
    }
}
