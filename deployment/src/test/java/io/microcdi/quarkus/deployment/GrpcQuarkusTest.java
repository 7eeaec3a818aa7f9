package io.microcdi.quarkus.deployment;

import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gRPC plugin on Quarkus (JVM mode), found through its {@code ServiceLoader} entries: {@code micro.server=grpc}
 * serves the {@code @Service} over gRPC and registers its node as {@code protocol=grpc} ({@code ServerProvider}), and
 * an injected {@code @MicroClient} calls that node over gRPC ({@code ProtocolProvider}). That {@code MicroProcessor}
 * keeps both entries for a native image is {@link MicroProcessorTest}'s check.
 */
class GrpcQuarkusTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Greeter.class, GreeterApi.class, GreeterCaller.class,
                    HelloRequest.class, HelloReply.class))
            .overrideConfigKey("micro.registry", "memory")
            .overrideConfigKey("micro.server", "grpc")
            .overrideConfigKey("micro.server.address", "127.0.0.1:0")
            .overrideConfigKey("micro.server.shutdown-grace", "0");

    @Inject
    Registry registry;

    @Inject
    GreeterCaller caller;

    @Test
    void theNodeIsRegisteredAsGrpc() {
        List<Service> services = registry.getService("greeter");
        assertThat(services).hasSize(1);
        Node node = services.get(0).nodes().get(0);
        assertThat(node.metadata()).containsEntry("protocol", "grpc").containsEntry("server", "grpc");
        assertThat(node.address()).startsWith("127.0.0.1:");
    }

    /** The node speaks only gRPC: without the protocol plugin found, this call would fail with a 501. */
    @Test
    void injectedClientCallsTheGrpcNode() {
        assertThat(caller.greet("Jane")).isEqualTo("Hello Jane");
    }
}
