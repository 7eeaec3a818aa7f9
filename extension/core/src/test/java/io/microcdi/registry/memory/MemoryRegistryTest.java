package io.microcdi.registry.memory;

import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryEvent.Action;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.RegistryProvider;
import io.microcdi.registry.Service;
import io.microcdi.testing.WatchedEvents;
import io.microcdi.testing.registry.RegistryContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The {@code memory} registry passes {@link RegistryContract} with views of the JVM-wide store (what
 * {@code micro.registry=memory} gives each container); below, what only it does.
 */
class MemoryRegistryTest extends RegistryContract {

    private final List<Registry> privateStores = new ArrayList<>();

    @Override
    protected Registry newRegistry() {
        return MemoryRegistry.shared();
    }

    @Override
    protected Duration ttl() {
        return Duration.ofMillis(300);
    }

    @AfterEach
    void closePrivateStores() {
        privateStores.forEach(Registry::close);
    }

    private MemoryRegistry privateStore() {
        MemoryRegistry r = new MemoryRegistry();
        privateStores.add(r);
        return r;
    }

    @Test
    void getServiceReturnsOneImmutableSnapshotUntilSomethingChanges() {
        MemoryRegistry r = privateStore();
        Node a = node("greeter");
        Node b = node("greeter");
        r.register(service("greeter", "1.0.0", a), Duration.ZERO);
        r.register(service("greeter", "1.0.0", b), Duration.ZERO);
        r.register(service("greeter", "2.0.0", node("greeter")), Duration.ZERO);

        List<Service> versions = r.getService("greeter");

        assertThat(versions).extracting(Service::version).containsExactly("1.0.0", "2.0.0");
        assertThat(versions.get(0).nodes()).containsExactly(a, b);
        assertThat(r.getService("greeter")).isSameAs(versions);
        assertThatThrownBy(() -> versions.add(versions.get(0))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void listServicesIsSortedByNameThenVersion() {
        MemoryRegistry r = privateStore();
        r.register(service("b-svc", "1", node("b-svc")), Duration.ZERO);
        r.register(service("a-svc", "1", node("a-svc")), Duration.ZERO);
        r.register(service("a-svc", "2", node("a-svc")), Duration.ZERO);

        assertThat(r.listServices()).extracting(Service::name, Service::version)
                .containsExactly(tuple("a-svc", "1"), tuple("a-svc", "2"), tuple("b-svc", "1"));
    }

    @Test
    void aRefreshThatChangesNothingIsNoEvent() {
        MemoryRegistry r = privateStore();
        WatchedEvents events = watch(r, "greeter");
        Service s = service("greeter", "1", node("greeter"));

        r.register(s, Duration.ZERO);
        r.register(s, Duration.ZERO);
        r.deregister(s);

        assertThat(events.next(Duration.ofSeconds(2)).action()).isEqualTo(Action.CREATE);
        assertThat(events.next(Duration.ofSeconds(2)).action()).isEqualTo(Action.DELETE);
    }

    @Test
    void aPrivateStoreSeesNothingShared() {
        String name = uniqueName();
        registry().register(service(name, "1", node(name)), Duration.ZERO);

        assertThat(registry().getService(name)).hasSize(1);
        assertThat(privateStore().getService(name)).isEmpty();
    }

    @Test
    void getServiceWithWaitReturnsTheFirstNodeOrEmptyAfterTheWait() throws Exception {
        MemoryRegistry r = privateStore();
        long start = System.nanoTime();
        assertThat(r.getService("late", Duration.ofMillis(200))).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(190));

        Service late = service("late", "1", node("late"));
        CompletableFuture<List<Service>> waiting =
                CompletableFuture.supplyAsync(() -> r.getService("late", Duration.ofSeconds(5)));
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> !waiting.isDone());
        r.register(late, Duration.ZERO);

        assertThat(waiting.get(2, TimeUnit.SECONDS)).containsExactly(late);
    }

    @Test
    void aClosedRegistryRefusesToRegisterOrWatchAndFindsNothing() {
        MemoryRegistry r = privateStore();
        Service s = service("greeter", "1", node("greeter"));
        r.register(s, Duration.ZERO);

        r.close();

        assertThatThrownBy(() -> r.register(s, Duration.ZERO)).isInstanceOf(RegistryException.class);
        assertThatThrownBy(() -> r.watch(null)).isInstanceOf(RegistryException.class);
        assertThat(r.getService("greeter")).isEmpty();
    }

    @Test
    void providerIsFoundByNameAndSharesTheStore() {
        RegistryProvider provider = ServiceLoader.load(RegistryProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("memory")).findFirst().orElseThrow();
        Registry a = provider.create(DefaultMicroConfig.of(Map.of()));
        Registry b = provider.create(DefaultMicroConfig.of(Map.of()));
        privateStores.addAll(List.of(a, b));
        String name = uniqueName();
        Service s = service(name, "1", node(name));

        a.register(s, Duration.ZERO);

        assertThat(a.name()).isEqualTo("memory");
        assertThat(b.getService(name)).containsExactly(s);
    }
}
