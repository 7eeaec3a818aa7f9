package io.microcdi.wrappers.app;

import io.microcdi.annotation.Service;
import io.microcdi.errors.MicroException;
import io.microcdi.wrappers.Logged;
import io.microcdi.wrappers.Measured;
import jakarta.inject.Singleton;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Logged and measured: succeeds, rejects (403), crashes (500), or answers later. */
@Service(name = "greeter")
@Logged
@Measured
@Singleton
public class Greeter {

    public Words hello(Words in) {
        return new Words("hello " + in.text());
    }

    public Words reject(Words in) {
        throw MicroException.forbidden("greeter", "no %s", in.text());
    }

    public Words crash(Words in) {
        throw new IllegalStateException("boom " + in.text());
    }

    public CompletionStage<Words> later(Words in) {
        return CompletableFuture.supplyAsync(() -> new Words("later " + in.text()));
    }
}
