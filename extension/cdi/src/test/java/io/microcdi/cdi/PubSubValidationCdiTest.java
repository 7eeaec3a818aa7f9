package io.microcdi.cdi;

import io.microcdi.cdi.pubsub.BadSubscriber;
import io.microcdi.cdi.pubsub.Checkout;
import io.microcdi.cdi.pubsub.DependentSubscriber;
import io.microcdi.cdi.pubsub.EmptyTopicPublisherUser;
import io.microcdi.cdi.pubsub.RawPublisherUser;
import io.microcdi.cdi.app.BadService;
import jakarta.enterprise.inject.se.SeContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad {@code @Subscribe} methods and {@code @Topic} injections stop the start, every problem named at once. */
class PubSubValidationCdiTest {

    private static final String BAD = BadSubscriber.class.getName();

    private SeContainer container;

    @AfterEach
    void close() {
        if (container != null && container.isRunning()) {
            container.close();
        }
        for (String key : List.of("micro.registry", "micro.broker", "micro.server.enabled", "micro.broker.retries")) {
            System.clearProperty(key);
        }
    }

    private static Map<String, String> memory() {
        return Map.of("micro.registry", "memory", "micro.broker", "memory");
    }

    @Test
    void everyBadSignatureIsReportedNamingTheMethod() {
        assertThatThrownBy(() -> container = MicroCdiTest.boot(memory(), BadSubscriber.class))
                .hasStackTraceContaining("MICRO-0302: " + BAD + "#nothing takes 0 parameters")
                .hasStackTraceContaining("MICRO-0302: " + BAD + "#three takes 3 parameters")
                .hasStackTraceContaining("MICRO-0303: " + BAD + "#wrongSecond: the second parameter is "
                        + "java.lang.String (expected: io.microcdi.metadata.Metadata)")
                .hasStackTraceContaining("MICRO-0303: " + BAD + "#metadataFirst: the first parameter is")
                .hasStackTraceContaining("MICRO-0304: " + BAD + "#answers returns java.lang.String (expected: void "
                        + "or CompletionStage<Void>)")
                .hasStackTraceContaining("MICRO-0304: " + BAD + "#answersLater returns "
                        + "java.util.concurrent.CompletionStage<java.lang.String>")
                .hasStackTraceContaining("MICRO-0305: " + BAD + "#shared is static")
                .hasStackTraceContaining("MICRO-0305: " + BAD + "#hidden is private")
                .hasStackTraceContaining("MICRO-0301: " + BAD + "#noTopic: @Subscribe has an empty topic");
    }

    @Test
    void subscriberProblemsComeTogetherWithServiceProblems() {
        assertThatThrownBy(() -> container = MicroCdiTest.boot(memory(), BadSubscriber.class, BadService.class))
                .hasStackTraceContaining("MICRO-0102")
                .hasStackTraceContaining("MICRO-0302");
    }

    @Test
    void aDependentSubscriberBeanIsRejected() {
        assertThatThrownBy(() -> container = MicroCdiTest.boot(memory(), DependentSubscriber.class))
                .hasStackTraceContaining("MICRO-0306: " + DependentSubscriber.class.getName()
                        + " has @Subscribe methods and scope @Dependent (expected: @ApplicationScoped or @Singleton");
    }

    @Test
    void aRawPublisherIsRejected() {
        assertThatThrownBy(() -> container = MicroCdiTest.boot(memory(), RawPublisherUser.class))
                .hasStackTraceContaining("MICRO-0312: " + RawPublisherUser.class.getName() + "#raw injects Publisher "
                        + "(expected: Publisher<T> of a concrete payload type");
    }

    @Test
    void aWildcardPublisherIsRejected() {
        // no bean type may hold a wildcard, so no bean is registered: Weld reports the injection point unsatisfied
        // before MICRO-0312 gets its turn; either way the start stops naming it
        assertThatThrownBy(() -> container = MicroCdiTest.boot(memory(),
                io.microcdi.cdi.pubsub.WildcardPublisherUser.class))
                .hasStackTraceContaining("Publisher<? extends OrderPlaced>")
                .hasStackTraceContaining("WildcardPublisherUser.some");
    }

    @Test
    void anEmptyTopicIsRejected() {
        assertThatThrownBy(() -> container = MicroCdiTest.boot(memory(), EmptyTopicPublisherUser.class))
                .hasStackTraceContaining("MICRO-0311: @Topic of " + EmptyTopicPublisherUser.class.getName()
                        + "#nowhere is empty");
    }

    @Test
    void aProcessWithoutPubSubMakesNoBroker() {
        int before = io.microcdi.cdi.pubsub.CountingBrokerProvider.created;
        container = MicroCdiTest.boot(Map.of("micro.registry", "memory", "micro.broker", "bean-broker"),
                io.microcdi.cdi.app.Echo.class, io.microcdi.cdi.pubsub.CountingBrokerProvider.class);
        assertThat(container.select(MicroLifecycle.class).get().subscriptions()).isEmpty();
        assertThat(io.microcdi.cdi.pubsub.CountingBrokerProvider.created).isEqualTo(before);
    }

    @Test
    void aPublisherOnlyProcessChecksItsTopicsAndBrokerAtStart() {
        // client-only: no server, no subscriptions; the unresolvable topic still stops the start, naming the field
        assertThatThrownBy(() -> container = MicroCdiTest.boot(Map.of("micro.registry", "memory", "micro.broker",
                "memory", "micro.server.enabled", "false"), io.microcdi.cdi.pubsub.UnsetTopicPublisherUser.class))
                .hasStackTraceContaining("test.pubsub.nowhere")
                .hasStackTraceContaining("UnsetTopicPublisherUser");
        assertThatThrownBy(() -> container = MicroCdiTest.boot(Map.of("micro.registry", "memory", "micro.broker",
                "memory", "micro.server.enabled", "false", "micro.broker.retries", "lots"), Checkout.class))
                .hasStackTraceContaining("micro.broker.retries=lots");
    }
}
