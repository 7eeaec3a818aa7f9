package io.microcdi.quarkus.deployment;

import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The defaults on Quarkus, with no {@code micro.registry} set: the service registers over mDNS (bound to loopback)
 * and an injected {@code @MicroClient} finds it there and calls it over HTTP. A label keeps the client on this test's
 * node: other greeters on loopback mDNS (another build's tests on the same machine) are not its.
 */
class MdnsClientQuarkusTest {

    private static final String RUN = "run=" + UUID.randomUUID();

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Greeter.class, GreeterApi.class, GreeterCaller.class,
                    HelloRequest.class, HelloReply.class))
            .overrideConfigKey("micro.server.address", "127.0.0.1:0")
            .overrideConfigKey("micro.server.metadata", RUN)
            .overrideConfigKey("micro.client.greeter.labels", RUN);

    @Inject
    GreeterCaller caller;

    @Test
    void clientFindsTheServiceOverMdns() {
        assertThat(caller.greet("John")).isEqualTo("Hello John");
    }
}
