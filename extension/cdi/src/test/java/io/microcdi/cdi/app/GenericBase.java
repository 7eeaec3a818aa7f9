package io.microcdi.cdi.app;

/** A generic base whose method a service overrides with a concrete type: one endpoint, not an overload. */
public abstract class GenericBase<Q> {

    public abstract Msg say(Q in);
}
