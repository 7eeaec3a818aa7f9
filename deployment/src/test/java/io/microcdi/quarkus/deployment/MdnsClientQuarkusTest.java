package io.microcdi.quarkus.deployment;

import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The defaults on Quarkus, with no {@code micro.registry} set: the service registers over mDNS (bound to loopback)
 * and an injected {@code @MicroClient} finds it there and calls it over HTTP.
 */
class MdnsClientQuarkusTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Greeter.class, GreeterApi.class, GreeterCaller.class,
                    HelloRequest.class, HelloReply.class))
            .overrideConfigKey("micro.server.address", "127.0.0.1:0");

    @Inject
    GreeterCaller caller;

    @Test
    void clientFindsTheServiceOverMdns() {
        assertThat(caller.greet("John")).isEqualTo("Hello John");
    }
}
