package io.microcdi.cdi;

import io.microcdi.cdi.app.Msg;
import io.microcdi.cdi.nonblocking.Confused;
import io.microcdi.cdi.nonblocking.ThreadsInterceptor;
import io.microcdi.cdi.nonblocking.Where;
import io.microcdi.cdi.nonblocking.WhereApi;
import io.microcdi.cdi.nonblocking.WhereCaller;
import io.microcdi.errors.MicroException;
import jakarta.enterprise.inject.se.SeContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * On Weld SE over the real HTTP transport, an endpoint that never blocks ({@code @NonBlocking}, or returning a
 * {@code CompletionStage}) runs with its CDI interceptor on the Netty event loop that read the request
 * ({@code microcdi-io-N}); a blocking one, and a stage declared {@code @Blocking}, on a handler thread. The extension
 * reports an endpoint that says both, or a stream that says {@code @NonBlocking}, before the container starts.
 */
class NonBlockingCdiTest {

    private static final String LOOP = "microcdi-io-";

    private SeContainer container;

    @AfterEach
    void close() {
        if (container != null && container.isRunning()) {
            container.close();
        }
        for (String key : List.of("micro.registry", "micro.broker")) {
            System.clearProperty(key);
        }
    }

    private WhereApi boot() {
        container = MicroCdiTest.boot(Map.of("micro.registry", "memory", "micro.broker", "memory"), Where.class,
                ThreadsInterceptor.class, WhereCaller.class);
        return container.select(WhereCaller.class).get().where();
    }

    /** "interceptor's thread > handler's thread". */
    private static String[] threads(Msg reply) {
        return reply.text().split(" > ");
    }

    @Test
    void nonBlockingEndpointsRunWithTheirInterceptorsOnTheEventLoop() {
        WhereApi where = boot();

        assertThat(threads(where.now(new Msg("x")))).allSatisfy(t -> assertThat(t).startsWith(LOOP));
        assertThat(threads(where.stage(new Msg("x")))).allSatisfy(t -> assertThat(t).startsWith(LOOP));
    }

    @Test
    void blockingEndpointsRunOnAHandlerThread() {
        WhereApi where = boot();

        assertThat(threads(where.blocking(new Msg("x")))).allSatisfy(t -> assertThat(t).doesNotStartWith(LOOP));
        assertThat(threads(where.blockingStage(new Msg("x")))).allSatisfy(t -> assertThat(t).doesNotStartWith(LOOP));
    }

    @Test
    void anExceptionOnTheEventLoopIsAStructuredError() {
        WhereApi where = boot();

        assertThatThrownBy(() -> where.now(new Msg("boom")))
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(500);
                    assertThat(e.id()).isEqualTo("where");
                    assertThat(e.detail()).isEqualTo("boom on the loop");
                });
        // and the loop goes on serving
        assertThat(threads(where.now(new Msg("x")))).allSatisfy(t -> assertThat(t).startsWith(LOOP));
    }

    @Test
    void theExtensionReportsConfusedEndpointsBeforeStart() {
        assertThatThrownBy(() -> MicroCdiTest.boot(Map.of("micro.registry", "memory", "micro.broker", "memory"),
                Confused.class))
                .hasStackTraceContaining("MICRO-0106: " + Confused.class.getName() + "#both is annotated both "
                        + "@Blocking and @NonBlocking")
                .hasStackTraceContaining("MICRO-0108: " + Confused.class.getName() + "#stream streams and is "
                        + "annotated @NonBlocking");
    }
}
