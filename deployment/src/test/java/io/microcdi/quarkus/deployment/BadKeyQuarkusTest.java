package io.microcdi.quarkus.deployment;

import io.quarkus.test.QuarkusUnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** An unknown plugin name fails the Quarkus start, as it fails Weld's, with the key and the names found. */
class BadKeyQuarkusTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Greeter.class, HelloRequest.class, HelloReply.class))
            .overrideConfigKey("micro.registry", "consul")
            .overrideConfigKey("micro.server.address", "127.0.0.1:0")
            .assertException(BadKeyQuarkusTest::namesTheKey);

    @Test
    void startFails() {
        fail("the application started with micro.registry=consul");
    }

    private static void namesTheKey(Throwable t) {
        StringBuilder messages = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            messages.append(c).append('\n');
        }
        assertThat(messages.toString()).contains("micro.registry=consul").contains("memory").contains("mdns");
    }
}
