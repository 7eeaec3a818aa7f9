package io.microcdi.cdi;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.se.SeContainer;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.inject.Singleton;
import org.jboss.weld.environment.se.Weld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Beans made ahead on threads of their own, in a real Weld container. */
class PrefetchCdiTest {

    @Singleton
    static class Slow {
        static final AtomicInteger MADE = new AtomicInteger();
        final String madeOn = Thread.currentThread().getName();

        Slow() {
            MADE.incrementAndGet();
        }
    }

    @Dependent
    static class PerInjection {
        static final AtomicInteger MADE = new AtomicInteger();

        PerInjection() {
            MADE.incrementAndGet();
        }
    }

    @Singleton
    static class Broken {
        static final AtomicInteger TRIED = new AtomicInteger();

        Broken() {
            TRIED.incrementAndGet();
            throw new IllegalStateException("micro.registry.mdns.interface=eth9 (expected: an interface of this host)");
        }
    }

    private SeContainer container;

    @BeforeEach
    void boot() {
        Slow.MADE.set(0);
        PerInjection.MADE.set(0);
        Broken.TRIED.set(0);
        container = new Weld().disableDiscovery().property(Weld.SHUTDOWN_HOOK_SYSTEM_PROPERTY, false)
                .addBeanClasses(Slow.class, PerInjection.class, Broken.class).initialize();
    }

    @AfterEach
    void close() {
        container.close();
    }

    private jakarta.enterprise.inject.Instance<Object> beans() {
        return container.select(new TypeLiteral<Object>() { }, Any.Literal.INSTANCE);
    }

    @Test
    void aSharedBeanIsMadeOnItsOwnThreadAndTheStartGetsThatSameInstance() {
        Prefetch p = Prefetch.start(beans(), Slow.class);
        p.await();

        assertThat(p.size()).isEqualTo(1);
        assertThat(Slow.MADE).hasValue(1);
        Slow slow = container.select(Slow.class).get();
        assertThat(slow.madeOn).isEqualTo("microcdi-start-Slow");
        assertThat(Slow.MADE).hasValue(1);
    }

    @Test
    void aDependentBeanIsNotMadeAheadForNobody() {
        Prefetch p = Prefetch.start(beans(), PerInjection.class);
        p.await();

        assertThat(p.size()).isZero();
        assertThat(PerInjection.MADE).hasValue(0);
    }

    @Test
    void aBeanThatFailsAheadFailsAgainWhereTheStartAsksForIt() {
        Prefetch p = Prefetch.start(beans(), Broken.class);
        p.await(); // dropped there, not thrown into the start

        assertThat(Broken.TRIED).hasValue(1);
        assertThatThrownBy(() -> container.select(Broken.class).get())
                .hasMessageContaining("micro.registry.mdns.interface=eth9");
        assertThat(Broken.TRIED).hasValue(2);
    }
}
