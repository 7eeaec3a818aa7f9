package io.microcdi.cdi.context.app;

import io.microcdi.annotation.Service;
import io.microcdi.context.CallContext;
import jakarta.inject.Inject;

/** The next hop: answers what it saw of the call. */
@Service(name = "downstream")
public class Downstream {

    @Inject
    CallContext call;

    public View look(Msg in) {
        return View.of(call, in.text());
    }
}
