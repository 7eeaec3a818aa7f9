package io.microcdi.wrappers.app;

import io.microcdi.annotation.Endpoint;
import io.microcdi.wrappers.Logged;
import io.microcdi.wrappers.Measured;

import java.util.concurrent.CompletionStage;

/** {@link Greeter} called through a logged and measured client. */
@Logged
@Measured
@Endpoint("Greeter")
public interface LoggedGreeterApi {

    Words hello(Words in);

    Words reject(Words in);

    CompletionStage<Words> laterAsync(Words in);
}
