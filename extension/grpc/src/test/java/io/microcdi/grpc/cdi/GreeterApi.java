package io.microcdi.grpc.cdi;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/** The client view of {@link Greeter}. */
public interface GreeterApi {

    Greeting hello(Hello req);

    Flow.Publisher<Greeting> lots(Hello req);

    CompletionStage<Greeting> gather(Flow.Publisher<Hello> names);

    Flow.Publisher<Greeting> chat(Flow.Publisher<Hello> names);
}
