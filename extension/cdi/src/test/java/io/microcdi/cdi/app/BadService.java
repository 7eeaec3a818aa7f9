package io.microcdi.cdi.app;

import io.microcdi.annotation.Service;

/** Breaks two rules: a two-parameter endpoint, and two methods serving one endpoint name. */
@Service
public class BadService {

    public Msg add(Msg a, Msg b) {
        return a;
    }

    public Msg get(Msg a) {
        return a;
    }

    public Msg get() {
        return null;
    }
}
