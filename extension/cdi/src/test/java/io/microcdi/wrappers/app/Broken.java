package io.microcdi.wrappers.app;

import io.microcdi.wrappers.CallTiming;
import io.microcdi.wrappers.CallTimingListener;
import jakarta.enterprise.context.ApplicationScoped;

/** A listener that always throws. */
@ApplicationScoped
public class Broken implements CallTimingListener {

    @Override
    public void onCall(CallTiming timing) {
        throw new IllegalStateException("listener down");
    }
}
