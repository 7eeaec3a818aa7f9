package io.microcdi.cdi.app;

import io.microcdi.client.Request;
import io.microcdi.client.RetryPolicy;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An application's retry policy: retries everything, and remembers what it was asked. */
@ApplicationScoped
public class CountingRetryPolicy implements RetryPolicy {

    private final List<String> asked = new CopyOnWriteArrayList<>();

    /** {@code endpoint#attempts} per question, in order. */
    public List<String> asked() {
        return List.copyOf(asked);
    }

    @Override
    public boolean retry(Request request, int attempts, Throwable error) {
        asked.add(request.endpoint() + "#" + attempts);
        return true;
    }
}
