package io.microcdi.wrappers.app;

import io.microcdi.client.CallFunc;
import io.microcdi.client.CallWrapper;
import io.microcdi.errors.MicroException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the {@code traceparent} of each attempt; fails every odd attempt as a retryable framework 503. */
@ApplicationScoped
@Priority(5000)
public class FailFirstAttempt implements CallWrapper {

    private final List<String> attempts = new CopyOnWriteArrayList<>();

    @Override
    public CallFunc wrap(CallFunc next) {
        return (node, request, options) -> {
            attempts.add(request.metadata().getOrDefault("traceparent", ""));
            if (attempts.size() % 2 == 1) {
                return CompletableFuture.failedFuture(new MicroException("go.micro.client", 503, "first attempt",
                        "Service Unavailable"));
            }
            return next.call(node, request, options);
        };
    }

    public List<String> attempts() {
        return List.copyOf(attempts);
    }
}
