package io.microcdi.cdi.context.app;

import io.microcdi.annotation.Service;
import io.microcdi.errors.MicroException;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Fails the first call for each text with a retryable server error (503 go.micro.server), then answers. */
@Service(name = "flaky")
public class Flaky {

    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    public Msg once(Msg in) {
        if (seen.add(in.text())) {
            throw new MicroException("go.micro.server", 503, "busy, try another node", "Service Unavailable");
        }
        return new Msg("ok " + in.text());
    }
}
