package io.microcdi.cdi.stream;

import io.microcdi.annotation.MicroClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Injects the streaming client. */
@ApplicationScoped
public class TickerCaller {

    @Inject
    @MicroClient("ticker")
    TickerApi ticker;

    public TickerApi ticker() {
        return ticker;
    }
}
