package io.microcdi.server.rpc;

import io.microcdi.codec.Codecs;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Watcher;
import io.microcdi.registry.Service;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.transport.http.HttpTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the server does around the calls: the address it registers, and a start that fails half way. */
class RpcServerTest {

    public static class Greeter {
        public String hello(String name) {
            return "Hello " + name;
        }
    }

    private final HttpTransport transport = new HttpTransport();

    @AfterEach
    void close() {
        transport.close();
    }

    @Test
    void aBoundAddressIsAdvertisedAsIs() {
        assertThat(RpcServer.advertisable("127.0.0.1:8080")).isEqualTo("127.0.0.1:8080");
        assertThat(RpcServer.advertisable("[::1]:8080")).isEqualTo("[::1]:8080");
    }

    @Test
    void aWildcardBindAdvertisesADialableAddressWithItsPort() {
        for (String wildcard : List.of("0.0.0.0:8080", "[::]:8080")) {
            assertThat(RpcServer.advertisable(wildcard))
                    .doesNotStartWith("0.0.0.0").doesNotStartWith("[::]:").endsWith(":8080");
        }
    }

    @Test
    void aStartThatFailsToRegisterReleasesThePortAndStopsCleanly() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        MemoryRegistry inner = new MemoryRegistry();
        Registry failing = new Registry() {
            public String name() {
                return "failing";
            }

            public void register(Service service, Duration ttl) {
                throw new RegistryException("registry unreachable");
            }

            public void deregister(Service service) {
                inner.deregister(service);
            }

            public List<Service> getService(String name) {
                return inner.getService(name);
            }

            public List<Service> listServices() {
                return inner.listServices();
            }

            public Watcher watch(String name) {
                return inner.watch(name);
            }

            public void close() {
                inner.close();
            }
        };
        RpcServer server = server(failing, port);
        assertThatThrownBy(server::start).hasMessageContaining("registry unreachable");
        server.stop(); // idempotent, no NPE on what never started
        // the port is free again: a new server binds it
        RpcServer again = server(new MemoryRegistry(), port);
        again.start();
        assertThat(again.address()).endsWith(":" + port);
        again.stop();
    }

    @Test
    void aStartThatCannotBindFailsAndStopsCleanly() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            RpcServer server = server(new MemoryRegistry(), taken.getLocalPort());
            assertThatThrownBy(server::start).isInstanceOf(RuntimeException.class);
            server.stop();
        }
    }

    private RpcServer server(Registry registry, int port) {
        RpcServer server = new RpcServer(RpcServerConfig.from(DefaultMicroConfig.of(
                Map.of("micro.server.address", "127.0.0.1:" + port))), registry, transport,
                Codecs.of(List.of(new JsonCodec())));
        server.handle(ServiceModel.define(Greeter.class, new Greeter(), "greeter", "1"));
        return server;
    }
}
