package io.microcdi.cdi.context.app;

import io.microcdi.client.CallFunc;
import io.microcdi.client.CallWrapper;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every attempt of every client's calls (a global wrapper: no client names it), with the node it went to. */
@ApplicationScoped
@Priority(10)
public class AttemptCounter implements CallWrapper {

    private final List<String> attempts = new CopyOnWriteArrayList<>();
    private final List<String> order = new CopyOnWriteArrayList<>();

    @Override
    public CallFunc wrap(CallFunc next) {
        return (node, request, options) -> {
            attempts.add(request.endpoint() + "@" + node.address());
            // the tenant header is added further in (priority 20): this outer wrapper never sees it
            order.add(request.metadata().contains("X-Tenant") ? "inner-first" : "outer-first");
            return next.call(node, request, options);
        };
    }

    public List<String> attempts() {
        return attempts;
    }

    public List<String> order() {
        return order;
    }
}
