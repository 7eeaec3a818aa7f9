package io.microcdi.cdi.app;

import io.microcdi.annotation.Endpoint;

import java.util.concurrent.CompletionStage;

/** The client view of {@link Echo}; the handler name is given explicitly. */
@Endpoint("Echo")
public interface EchoApi {

    Msg say(Msg in);

    CompletionStage<Msg> sayAsync(Msg in);

    Msg later(Msg in);

    Msg ping();

    Msg reject(Msg in);

    Msg crash(Msg in);

    @Endpoint("Echo.Missing")
    Msg missing(Msg in);

    default String shout(String s) {
        return say(new Msg(s)).text().toUpperCase(java.util.Locale.ROOT);
    }
}
