package io.microcdi.cdi.lifecycle;

import io.microcdi.lifecycle.AfterStart;
import io.microcdi.lifecycle.BeforeStart;
import io.microcdi.lifecycle.BeforeStop;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Observers that throw, one bean per event, each added to a container of its own test. */
public final class Failing {

    private Failing() {
    }

    @ApplicationScoped
    public static class InBeforeStart {
        void check(@Observes BeforeStart e) {
            throw new IllegalStateException("schema v7 expected, found v6");
        }
    }

    @ApplicationScoped
    public static class InAfterStart {
        void announce(@Observes AfterStart e) throws Exception {
            throw new java.io.IOException("announcer unreachable"); // checked: the container wraps it
        }
    }

    @ApplicationScoped
    public static class InBeforeStop {
        void drain(@Observes BeforeStop e) {
            throw new IllegalStateException("drain failed");
        }
    }
}
