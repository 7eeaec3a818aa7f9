package io.microcdi.internal.broker;

import io.microcdi.cdi.pubsub.BadSubscriber;
import io.microcdi.cdi.pubsub.InheritingListener;
import io.microcdi.cdi.pubsub.OverridingListener;
import io.microcdi.cdi.pubsub.ShippingB;
import io.microcdi.codec.Codecs;
import io.microcdi.internal.config.DefaultMicroConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The subscriber rules, and the run-time (reflection) path agreeing with the build-time one. */
class SubscriberValidatorTest {

    private static final String META = SubscriberValidator.METADATA;

    private static SubscriberShape shape(List<String> params, String returns, String argument) {
        return new SubscriberShape("on", "orders", params, returns, argument, false, false);
    }

    @Test
    void payloadAloneOrWithMetadataReturningVoidOrAStageOfVoidIsFine() {
        assertThat(SubscriberValidator.subscriber("A", shape(List.of("A$Order"), "void", ""))).isEmpty();
        assertThat(SubscriberValidator.subscriber("A", shape(List.of("A$Order", META), "void", ""))).isEmpty();
        assertThat(SubscriberValidator.subscriber("A", shape(List.of("byte[]"),
                "java.util.concurrent.CompletionStage", "java.lang.Void"))).isEmpty();
        assertThat(SubscriberValidator.subscriber("A", shape(List.of("int"),
                "java.util.concurrent.CompletableFuture", "java.lang.Void"))).isEmpty();
    }

    @Test
    void eachRuleHasItsNumber() {
        assertThat(SubscriberValidator.subscriber("A", shape(List.of(), "void", "")))
                .singleElement().asString().startsWith("MICRO-0302: A#on takes 0 parameters");
        assertThat(SubscriberValidator.subscriber("A", shape(List.of(META), "void", "")))
                .singleElement().asString().startsWith("MICRO-0303: A#on: the first parameter is");
        assertThat(SubscriberValidator.subscriber("A", shape(List.of("X", "X"), "void", "")))
                .singleElement().asString().startsWith("MICRO-0303: A#on: the second parameter is X");
        assertThat(SubscriberValidator.subscriber("A", shape(List.of("X"), "java.util.concurrent.CompletionStage",
                ""))).singleElement().asString()
                .isEqualTo("MICRO-0304: A#on returns java.util.concurrent.CompletionStage (expected: void or "
                        + "CompletionStage<Void>)");
        assertThat(SubscriberValidator.subscriber("A",
                new SubscriberShape("on", "", List.of("X"), "void", "", true, false)))
                .extracting(p -> p.substring(0, 10)).containsExactly("MICRO-0301", "MICRO-0305");
        assertThat(SubscriberValidator.scope("A", "jakarta.enterprise.context.RequestScoped"))
                .singleElement().asString().startsWith("MICRO-0306: A has @Subscribe methods and scope "
                        + "@RequestScoped");
        assertThat(SubscriberValidator.scope("A", "jakarta.inject.Singleton")).isEmpty();
        assertThat(SubscriberValidator.publisher("A#p", "t", "T", false)).singleElement().asString()
                .startsWith("MICRO-0312: A#p injects Publisher<T>");
    }

    @Test
    void runTimeFindsTheSameProblemsAsTheExtension() {
        assertThatThrownBy(() -> SubscriberModel.define(BadSubscriber.class, new BadSubscriber(), codecs(),
                DefaultMicroConfig.of(Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MICRO-0302: " + BadSubscriber.class.getName() + "#nothing")
                .hasMessageContaining("#three")
                .hasMessageContaining("MICRO-0303: " + BadSubscriber.class.getName() + "#wrongSecond")
                .hasMessageContaining("#metadataFirst")
                .hasMessageContaining("MICRO-0304: " + BadSubscriber.class.getName() + "#answers returns")
                .hasMessageContaining("java.util.concurrent.CompletionStage<java.lang.String>")
                .hasMessageContaining("#shared is static")
                .hasMessageContaining("#hidden is private")
                .hasMessageContaining("MICRO-0301");
    }

    @Test
    void methodsAreInheritedUnlessOverridden() {
        assertThat(SubscriberModel.subscriberMethods(InheritingListener.class)).extracting(m -> m.getName())
                .containsExactly("onOrder");
        assertThat(SubscriberModel.subscriberMethods(OverridingListener.class)).isEmpty();
        assertThat(SubscriberModel.subscriberMethods(ShippingB.class)).singleElement()
                .satisfies(m -> assertThat(SubscriberModel.shape(m).parameterTypes())
                        .containsExactly("io.microcdi.cdi.pubsub.OrderPlaced", META));
    }

    @Test
    void topicAndQueueExpressionsAreResolvedAtDefinition() {
        var config = DefaultMicroConfig.of(Map.of("test.pubsub.topic", "from-config"));
        var subscriber = SubscriberModel.define(io.microcdi.cdi.pubsub.Configured.class,
                new io.microcdi.cdi.pubsub.Configured(), codecs(), config).get(0);
        assertThat(subscriber.topic()).isEqualTo("from-config");
        assertThat(subscriber.queue()).isEmpty();
        assertThat(subscriber.name()).isEqualTo("io.microcdi.cdi.pubsub.Configured#onOrder");
    }

    static Codecs codecs() {
        return Codecs.of(List.of(new io.microcdi.codec.json.JsonCodec()));
    }
}
