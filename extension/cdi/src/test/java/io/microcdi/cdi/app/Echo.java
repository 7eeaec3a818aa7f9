package io.microcdi.cdi.app;

import io.microcdi.annotation.Service;
import io.microcdi.errors.MicroException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A test service with every endpoint shape: sync, async, no request, and failures. */
@Service(name = "echo", version = "1.2.3")
public class Echo {

    public Msg say(Msg in) {
        return new Msg("echo: " + in.text());
    }

    public CompletionStage<Msg> later(Msg in) {
        return CompletableFuture.supplyAsync(() -> new Msg("later: " + in.text()));
    }

    public Msg ping() {
        return new Msg("pong");
    }

    public Msg reject(Msg in) {
        throw MicroException.forbidden("echo.reject", "no %s", in.text());
    }

    public Msg crash(Msg in) {
        throw new IllegalStateException("boom " + in.text());
    }
}
