package io.microcdi.cdi.app;

import io.microcdi.annotation.Service;

/** Two methods with one parameter each and one name: both would serve Overloaded.Say. */
@Service(name = "overloaded")
public class OverloadedService {

    public Msg say(Msg m) {
        return m;
    }

    public Msg say(String s) {
        return new Msg(s);
    }
}
