package io.microcdi.cdi.nonblocking;

import io.microcdi.annotation.Blocking;
import io.microcdi.annotation.NonBlocking;
import io.microcdi.annotation.Service;
import io.microcdi.cdi.app.Msg;

import java.util.concurrent.Flow;

/** Says both of one endpoint, and @NonBlocking of a stream: two problems the extension reports before start. */
@Service(name = "confused")
public class Confused {

    @Blocking
    @NonBlocking
    public Msg both(Msg in) {
        return in;
    }

    @NonBlocking
    public Flow.Publisher<Msg> stream(Msg in) {
        return subscriber -> { };
    }
}
