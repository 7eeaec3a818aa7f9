package io.microcdi.cdi;

import io.microcdi.broker.Broker;
import io.microcdi.broker.Publisher;
import io.microcdi.client.rpc.RpcClientConfig;
import io.microcdi.codec.Codec;
import io.microcdi.codec.Codecs;
import io.microcdi.config.ConfigException;
import io.microcdi.config.MicroConfig;
import io.microcdi.internal.broker.TopicNames;
import io.microcdi.internal.broker.TopicPublisher;
import io.microcdi.telemetry.Telemetry;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.build.compatible.spi.Parameters;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticBeanCreator;

/**
 * Creates the bean behind {@code @Inject @Topic("orders") Publisher<OrderPlaced>}: a {@link TopicPublisher} over the
 * {@link Broker} bean, encoding with the codec of {@code micro.client.content-type}; a {@code ${property}} in the
 * topic is resolved here, once.
 *
 * <pre>{@code
 * // registered by MicroExtension, one @Singleton per (topic, payload type); users only inject
 * }</pre>
 *
 * <p>Synthetic beans rather than a {@code @Dependent} producer reading the {@code InjectionPoint}: one publisher (one
 * encoder, one resolved topic) serves every injection of a pair, {@code Instance<Publisher<T>>} finds the same bean,
 * the extension knows every topic at build time (to validate it, and for Quarkus to prepare it), and it is the path
 * {@code @MicroClient} already takes. The encoder is made for the payload's erasure ({@code List} for
 * {@code List<OrderPlaced>}): a synthetic bean's parameters cannot carry a generic type, and the JSON codec writes a
 * value by its run-time type anyway.
 */
public final class PublisherCreator implements SyntheticBeanCreator<Publisher<?>> {

    static final String TOPIC = "topic";
    /** The payload's erasure when it is a class (the usual case): the container hands it over as a Class. */
    static final String PAYLOAD = "payload";
    /** Else (an array) its binary name, loaded here. */
    static final String PAYLOAD_NAME = "payloadName";

    @Override
    public Publisher<?> create(Instance<Object> lookup, Parameters params) {
        String written = params.get(TOPIC, String.class);
        Class<?> payload = params.get(PAYLOAD, Class.class, null);
        if (payload == null) {
            payload = load(params.get(PAYLOAD_NAME, String.class));
        }
        MicroConfig config = lookup.select(MicroConfig.class).get();
        String topic = TopicNames.resolve(written, config, "@Topic").trim();
        if (topic.isEmpty()) {
            throw new ConfigException("@Topic(\"" + written + "\") resolves to an empty topic "
                    + "(expected: a topic name)");
        }
        Codecs codecs = lookup.select(Codecs.class).get();
        String contentType = config.get("micro.client.content-type", RpcClientConfig.DEFAULT_CONTENT_TYPE);
        Codec codec = codecs.get(contentType);
        if (codec == null) {
            throw MicroConfig.invalid("micro.client.content-type", contentType,
                    "one of " + String.join(", ", codecs.contentTypes()));
        }
        Broker broker = lookup.select(Broker.class).get();
        return new TopicPublisher<>(topic, payload, broker, codec,
                config.duration(TopicPublisher.PUBLISH_TIMEOUT, TopicPublisher.DEFAULT_PUBLISH_TIMEOUT),
                lookup.select(Telemetry.class).get());
    }

    private static Class<?> load(String name) {
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        try {
            return Class.forName(name, false, tccl != null ? tccl : PublisherCreator.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            try {
                return Class.forName(name, false, PublisherCreator.class.getClassLoader());
            } catch (ClassNotFoundException again) {
                throw new IllegalStateException("@Topic publisher: payload type " + name + " cannot be loaded", e);
            }
        }
    }
}
