package io.microcdi.cdi.context.app;

import io.microcdi.client.CallFunc;
import io.microcdi.client.CallWrapper;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;

/** Adds {@code X-Tenant: acme} to each attempt: named by {@link InspectorApi} only, so only its calls get it. */
@ApplicationScoped
@Priority(20)
public class TenantHeader implements CallWrapper {

    @Override
    public CallFunc wrap(CallFunc next) {
        return (node, request, options) -> next.call(node,
                request.withMetadata(request.metadata().with("X-Tenant", "acme")), options);
    }
}
