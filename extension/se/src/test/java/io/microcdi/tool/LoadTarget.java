package io.microcdi.tool;

import io.microcdi.annotation.Service;
import io.microcdi.errors.MicroException;

/** A service for the end-to-end run of the load tool: endpoints {@code LoadTarget.Hello} and {@code .Fail}. */
@Service(name = "load-target")
public class LoadTarget {

    /** The request and reply body. */
    public record Msg(String name) {
    }

    public Msg hello(Msg in) {
        return new Msg("Hello " + in.name());
    }

    public Msg fail(Msg in) {
        throw MicroException.forbidden("load-target.fail", "not %s", in.name());
    }
}
