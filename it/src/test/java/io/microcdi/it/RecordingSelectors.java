package io.microcdi.it;

import io.microcdi.config.MicroConfig;
import io.microcdi.config.Plugins;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.selector.Next;
import io.microcdi.selector.SelectOptions;
import io.microcdi.selector.Selector;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test bean whose {@code Selector} wins over MicroCDI's (an enabled alternative, as a user's would): it wraps the
 * configured selector and records every node a call succeeded on, so a test can tell which servers it reached.
 *
 * <pre>{@code
 * RecordingSelectors.Recording s = (RecordingSelectors.Recording) container.select(Selector.class).get();
 * s.succeeded();   // ["127.0.0.1:40001", "127.0.0.1:40002", ...], one entry per successful call
 * }</pre>
 */
@Alternative
@Priority(100)
@Dependent
public class RecordingSelectors {

    // The alternative is the class: a producer of an enabled alternative bean is itself enabled. @Alternative and
    // @Priority on the producer method alone are ignored by Weld 5.1.7 (MicroProducers' producer would win).
    @Produces
    @Singleton
    Selector selector(Plugins plugins, MicroConfig config, Registry registry) {
        return new Recording(plugins.selector(config, registry));
    }

    void close(@Disposes Selector selector) {
        selector.close();
    }

    /** The configured selector, recording the outcomes the client reports through {@link Next#mark}. */
    public static final class Recording implements Selector {
        private final Selector delegate;
        private final List<String> succeeded = new CopyOnWriteArrayList<>();

        Recording(Selector delegate) {
            this.delegate = delegate;
        }

        /** The node addresses of the successful calls so far, in call order. */
        public List<String> succeeded() {
            return List.copyOf(succeeded);
        }

        /** Forgets what was recorded. */
        public void clear() {
            succeeded.clear();
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public Next select(String service, SelectOptions options) {
            Next next = delegate.select(service, options);
            return new Next() {
                @Override
                public Node next() {
                    return next.next();
                }

                @Override
                public void mark(Node node, Throwable error) {
                    if (error == null) {
                        succeeded.add(node.address());
                    }
                    next.mark(node, error);
                }

                /** Neither a success nor a failure: passed on as such, not recorded. */
                @Override
                public void skip(Node node) {
                    next.skip(node);
                }
            };
        }

        @Override
        public void onAddressGone(java.util.function.Consumer<String> listener) {
            delegate.onAddressGone(listener);
        }

        @Override
        public void mark(String service, Node node, Throwable error) {
            if (error == null) {
                succeeded.add(node.address());
            }
            delegate.mark(service, node, error);
        }

        @Override
        public void reset(String service) {
            delegate.reset(service);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
