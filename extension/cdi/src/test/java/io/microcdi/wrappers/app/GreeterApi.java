package io.microcdi.wrappers.app;

import io.microcdi.annotation.Endpoint;

import java.util.concurrent.CompletionStage;

/** The client view of {@link Greeter}, without bindings. */
@Endpoint("Greeter")
public interface GreeterApi {

    Words hello(Words in);

    Words reject(Words in);

    Words crash(Words in);

    CompletionStage<Words> laterAsync(Words in);
}
