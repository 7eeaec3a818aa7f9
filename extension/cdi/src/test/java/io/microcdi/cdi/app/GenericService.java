package io.microcdi.cdi.app;

import io.microcdi.annotation.Service;

/** Overrides {@link GenericBase#say} with {@code Msg}: serves GenericService.Say once. */
@Service(name = "generic")
public class GenericService extends GenericBase<Msg> {

    @Override
    public Msg say(Msg in) {
        return new Msg("generic: " + in.text());
    }
}
