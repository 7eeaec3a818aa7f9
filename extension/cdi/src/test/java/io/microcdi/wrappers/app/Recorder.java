package io.microcdi.wrappers.app;

import io.microcdi.wrappers.CallTiming;
import io.microcdi.wrappers.CallTimingListener;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every timing. */
@ApplicationScoped
public class Recorder implements CallTimingListener {

    private final List<CallTiming> timings = new CopyOnWriteArrayList<>();

    @Override
    public void onCall(CallTiming timing) {
        timings.add(timing);
    }

    public List<CallTiming> timings() {
        return List.copyOf(timings);
    }
}
