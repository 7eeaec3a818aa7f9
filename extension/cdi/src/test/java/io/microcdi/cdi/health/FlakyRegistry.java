package io.microcdi.cdi.health;

import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Service;
import io.microcdi.registry.Watcher;
import io.microcdi.registry.memory.MemoryRegistry;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** A memory registry that refuses registrations while {@link #DOWN} is set: a registry outage, on demand. */
@Alternative
@Priority(1)
@Dependent
public class FlakyRegistry {

    static final AtomicBoolean DOWN = new AtomicBoolean();

    @Produces
    @Singleton
    Registry registry() {
        Registry inner = MemoryRegistry.shared();
        return new Registry() {
            @Override
            public String name() {
                return "flaky";
            }

            @Override
            public void register(Service service, Duration ttl) {
                if (DOWN.get()) {
                    throw new RegistryException("registry unreachable");
                }
                inner.register(service, ttl);
            }

            @Override
            public void deregister(Service service) {
                inner.deregister(service);
            }

            @Override
            public List<Service> getService(String name) {
                return inner.getService(name);
            }

            @Override
            public List<Service> listServices() {
                return inner.listServices();
            }

            @Override
            public Watcher watch(String name) {
                return inner.watch(name);
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }
}
