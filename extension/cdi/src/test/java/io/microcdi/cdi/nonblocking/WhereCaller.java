package io.microcdi.cdi.nonblocking;

import io.microcdi.annotation.MicroClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Holds the {@link WhereApi} client. */
@ApplicationScoped
public class WhereCaller {

    @Inject
    @MicroClient("where")
    WhereApi where;

    public WhereApi where() {
        return where;
    }
}
