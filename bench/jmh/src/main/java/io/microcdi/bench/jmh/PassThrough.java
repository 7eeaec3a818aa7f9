package io.microcdi.bench.jmh;

import io.microcdi.client.CallFunc;
import io.microcdi.client.CallWrapper;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A call wrapper that adds one level and nothing else; named by {@link WrappedGreeterApi} only.
 *
 * <pre>{@code
 * client.wrap(List.of(new PassThrough()))
 * }</pre>
 */
@ApplicationScoped
public class PassThrough implements CallWrapper {

    @Override
    public CallFunc wrap(CallFunc next) {
        return (node, request, options) -> next.call(node, request, options);
    }
}
