package io.microcdi.quarkus.deployment;

import io.microcdi.annotation.Service;
import io.quarkus.test.QuarkusUnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The Build Compatible Extension's validation runs in ArC's build: a service without a public method fails the
 * build with the same problem as on Weld ({@code MICRO-0101}).
 */
class BrokenServiceQuarkusTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Silent.class))
            .overrideConfigKey("micro.registry", "memory")
            .assertException(t -> {
                StringBuilder messages = new StringBuilder();
                for (Throwable c = t; c != null; c = c.getCause()) {
                    messages.append(c).append('\n');
                }
                assertThat(messages.toString()).contains("MICRO-0101").contains(Silent.class.getName());
            });

    @Test
    void buildFails() {
        fail("the application started with a service that serves nothing");
    }

    /** A service with no endpoint. */
    @Service(name = "silent")
    public static class Silent {
        void notAnEndpoint() {
        }
    }
}
