package io.microcdi.cdi.app;

import io.microcdi.annotation.MicroClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/** Looks its client up lazily through {@code Instance}. */
@ApplicationScoped
public class LazyCaller {

    @Inject
    @MicroClient("echo")
    Instance<EchoApi> echo;

    public EchoApi echo() {
        return echo.get();
    }
}
