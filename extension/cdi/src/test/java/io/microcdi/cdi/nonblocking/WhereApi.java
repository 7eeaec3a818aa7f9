package io.microcdi.cdi.nonblocking;

import io.microcdi.cdi.app.Msg;

/** The client view of {@link Where}. */
public interface WhereApi {

    Msg now(Msg in);

    Msg stage(Msg in);

    Msg blocking(Msg in);

    Msg blockingStage(Msg in);
}
