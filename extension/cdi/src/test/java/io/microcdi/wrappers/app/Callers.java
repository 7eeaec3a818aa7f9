package io.microcdi.wrappers.app;

import io.microcdi.annotation.MicroClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/** Every client of the tests, each made when first asked for. */
@ApplicationScoped
public class Callers {

    @Inject
    @MicroClient("greeter")
    Instance<GreeterApi> greeter;

    @Inject
    @MicroClient("greeter")
    Instance<LoggedGreeterApi> loggedGreeter;

    @Inject
    @MicroClient("tracer")
    Instance<TracerApi> tracer;

    @Inject
    @MicroClient("vault")
    Instance<VaultApi> vault;

    @Inject
    @MicroClient("vault")
    Instance<AuthorizedVaultApi> authorizedVault;

    @Inject
    @MicroClient("plain")
    Instance<PlainApi> plain;

    public GreeterApi greeter() {
        return greeter.get();
    }

    public LoggedGreeterApi loggedGreeter() {
        return loggedGreeter.get();
    }

    public TracerApi tracer() {
        return tracer.get();
    }

    public VaultApi vault() {
        return vault.get();
    }

    public AuthorizedVaultApi authorizedVault() {
        return authorizedVault.get();
    }

    public PlainApi plain() {
        return plain.get();
    }
}
