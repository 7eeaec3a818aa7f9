package io.microcdi.transport.memory;

import io.microcdi.metadata.Metadata;
import io.microcdi.testing.transport.TransportContract;
import io.microcdi.transport.Exchange;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import io.microcdi.transport.Transport;
import io.microcdi.transport.TransportException;
import io.microcdi.transport.TransportProvider;
import io.microcdi.internal.config.DefaultMicroConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The memory transport passes the {@link TransportContract}; here is what is its own: no copies, {@code memory}
 * addresses, listeners shared by every instance of the JVM, and how a reply after close or a throwing handler ends.
 */
class MemoryTransportTest extends TransportContract {

    private final MemoryTransport transport = new MemoryTransport();

    @Override
    protected Transport newTransport() {
        return new MemoryTransport();
    }

    @AfterEach
    void tearDown() {
        transport.close();
    }

    private static Message message(String body) {
        return new Message(Metadata.of("Content-Type", "text/plain"), body.getBytes(StandardCharsets.UTF_8));
    }

    private static Throwable failure(CompletableFuture<Message> f) {
        try {
            f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("completed normally");
    }

    @Test
    void roundTripHandsTheSameMessageToTheHandlerAndBack() {
        AtomicReference<Exchange> seen = new AtomicReference<>();
        Listener l = transport.listen("memory:0", ex -> {
            seen.set(ex);
            ex.reply(new Message(Metadata.of("X-Echo", "1"), ex.request().body()));
        });
        Message request = message("hello");
        Message response = transport.send(l.address(), request, Duration.ofSeconds(5)).join();

        assertThat(seen.get().request()).isSameAs(request);
        assertThat(seen.get().localAddress()).isEqualTo(l.address());
        assertThat(response.body()).isSameAs(request.body());
        assertThat(response.header().get("x-echo")).isEqualTo("1");
    }

    @Test
    void portZeroPicksUniqueAddressesAndWildcardHostsBecomeMemory() {
        Listener a = transport.listen("memory:0", ex -> ex.reply(ex.request()));
        Listener b = transport.listen("0.0.0.0:0", ex -> ex.reply(ex.request()));
        Listener c = transport.listen("127.0.0.1:0", ex -> ex.reply(ex.request()));
        assertThat(a.address()).startsWith("memory:").isNotEqualTo(b.address());
        assertThat(b.address()).startsWith("memory:");
        assertThat(c.address()).startsWith("127.0.0.1:").doesNotEndWith(":0");
    }

    @Test
    void aTakenAddressIsRefusedSayingSo() {
        Listener l = transport.listen("memory:0", ex -> ex.reply(ex.request()));
        assertThatThrownBy(() -> transport.listen(l.address(), ex -> ex.reply(ex.request())))
                .isInstanceOf(TransportException.class).hasMessageContaining("already in use");
    }

    @Test
    void listenersAreSeenByEveryTransportOfTheJvm() {
        Listener l = transport.listen("memory:0", ex -> ex.reply(message("pong")));
        try (MemoryTransport other = new MemoryTransport()) {
            Message rsp = other.send(l.address(), message("ping"), Duration.ofSeconds(5)).join();
            assertThat(new String(rsp.body(), StandardCharsets.UTF_8)).isEqualTo("pong");
        }
    }

    @Test
    void aReplyAfterCloseFailsTheCallAsSent() {
        AtomicReference<Exchange> held = new AtomicReference<>();
        Listener l = transport.listen("memory:0", held::set);
        CompletableFuture<Message> f = transport.send(l.address(), message("x"), Duration.ofSeconds(5));
        l.close();
        held.get().reply(message("too late"));
        Throwable e = failure(f);
        assertThat(e).isInstanceOf(TransportException.class);
        assertThat(((TransportException) e).requestSent()).isTrue();
    }

    @Test
    void aThrowingHandlerFailsTheCallAsSent() {
        Listener l = transport.listen("memory:0", ex -> {
            throw new IllegalStateException("boom");
        });
        Throwable e = failure(transport.send(l.address(), message("x"), Duration.ofSeconds(5)));
        assertThat(e).isInstanceOf(TransportException.class).hasMessageContaining("boom");
        assertThat(((TransportException) e).requestSent()).isTrue();
    }

    @Test
    void foundByNameThroughServiceLoader() {
        TransportProvider provider = ServiceLoader.load(TransportProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("memory")).findFirst().orElseThrow();
        try (Transport t = provider.create(DefaultMicroConfig.of(Map.of()))) {
            assertThat(t).isInstanceOf(MemoryTransport.class);
            assertThat(t.name()).isEqualTo("memory");
        }
    }
}
