package io.microcdi.internal.broker;

import io.microcdi.annotation.Subscribe;
import io.microcdi.codec.Codec;
import io.microcdi.codec.Codecs;
import io.microcdi.config.ConfigException;
import io.microcdi.config.MicroConfig;
import io.microcdi.broker.delivery.DeliveryConfig;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.metadata.Metadata;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a bean class with {@code @Subscribe} methods and its instance into {@link SubscriberMethod}s, once, at start:
 * each method becomes a method handle bound to the instance, so a delivery costs no reflection.
 *
 * <pre>{@code
 * List<SubscriberMethod> subscribers = SubscriberModel.define(Audit.class, audit, codecs, config);
 * }</pre>
 *
 * <p>The methods are found as CDI finds observer methods: declared by the class or a superclass, unless a subclass
 * overrides them (then the override counts only if it carries {@code @Subscribe} itself).
 */
public final class SubscriberModel {

    private SubscriberModel() {
    }

    /** The {@code @Subscribe} methods of {@code type}, in a stable order. */
    public static List<Method> subscriberMethods(Class<?> type) {
        List<Method> found = new ArrayList<>();
        List<Method> seen = new ArrayList<>();
        for (Class<?> k = type; k != null && k != Object.class; k = k.getSuperclass()) {
            Method[] declared = k.getDeclaredMethods();
            Arrays.sort(declared, Comparator.comparing(Method::getName).thenComparing(Method::toGenericString));
            for (Method m : declared) {
                boolean overridden = seen.stream().anyMatch(d -> overrides(d, m));
                if (!m.isBridge() && !m.isSynthetic() && !overridden && m.isAnnotationPresent(Subscribe.class)) {
                    found.add(m);
                }
            }
            seen.addAll(Arrays.asList(declared)); // bridges too: they override a generic base's method
        }
        return found;
    }

    private static boolean overrides(Method derived, Method base) {
        return !Modifier.isPrivate(base.getModifiers()) && !Modifier.isStatic(base.getModifiers())
                && !Modifier.isPrivate(derived.getModifiers())
                && derived.getName().equals(base.getName())
                && Arrays.equals(derived.getParameterTypes(), base.getParameterTypes());
    }

    /** The validator's view of a method. */
    public static SubscriberShape shape(Method m) {
        Subscribe s = m.getAnnotation(Subscribe.class);
        List<String> params = Arrays.stream(m.getParameterTypes()).map(SubscriberModel::typeName).toList();
        Type r = m.getGenericReturnType();
        String argument = r instanceof ParameterizedType p && p.getActualTypeArguments().length == 1
                ? erasureName(p.getActualTypeArguments()[0]) : "";
        return new SubscriberShape(m.getName(), s == null ? "" : s.topic(), params, typeName(m.getReturnType()),
                argument, Modifier.isStatic(m.getModifiers()), Modifier.isPrivate(m.getModifiers()));
    }

    /**
     * The subscribers of {@code type} served by {@code instance}, their topic and queue expressions resolved from
     * {@code config}.
     *
     * @throws IllegalArgumentException when a method breaks the rules of {@link SubscriberValidator}
     * @throws ConfigException          when a topic or queue names a property that is not set, or a topic resolves
     *                                  to nothing
     */
    public static List<SubscriberMethod> define(Class<?> type, Object instance, Codecs codecs, MicroConfig config) {
        return define(type, instance, codecs, config, "");
    }

    /**
     * As {@link #define(Class, Object, Codecs, MicroConfig)}, for a process serving {@code service}: the service its
     * subscribers' calls name as {@code Micro-From-Service} ({@code ""}: none).
     */
    public static List<SubscriberMethod> define(Class<?> type, Object instance, Codecs codecs, MicroConfig config,
                                                String service) {
        List<Method> methods = subscriberMethods(type);
        List<String> problems = new ArrayList<>();
        for (Method m : methods) {
            problems.addAll(SubscriberValidator.subscriber(m.getDeclaringClass().getName(), shape(m)));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        List<SubscriberMethod> subscribers = new ArrayList<>(methods.size());
        for (Method m : methods) {
            Subscribe s = m.getAnnotation(Subscribe.class);
            String name = m.getDeclaringClass().getName() + "#" + m.getName();
            String topic = TopicNames.resolve(s.topic(), config, "@Subscribe(topic) of " + name);
            String queue = TopicNames.resolve(s.queue(), config, "@Subscribe(queue) of " + name);
            if (topic.isBlank()) {
                throw new ConfigException("@Subscribe(topic) of " + name + " = \"" + s.topic()
                        + "\" resolves to an empty topic (expected: a topic name)");
            }
            Type payload = m.getGenericParameterTypes()[0];
            Duration wait = config.duration(DeliveryConfig.PUBLISH_TIMEOUT, DeliveryConfig.DEFAULT_PUBLISH_TIMEOUT);
            Map<Codec, Codec.Decoder<?>> decoders = new HashMap<>();
            for (String contentType : codecs.contentTypes()) {
                Codec codec = codecs.get(contentType);
                try {
                    decoders.put(codec, codec.decoder(payload));
                } catch (IllegalArgumentException cannotCarry) {
                    // a codec that cannot carry the payload type (protobuf and a record): its messages get 415
                }
            }
            subscribers.add(new SubscriberMethod(name, topic.trim(), queue.trim(), invoker(m, instance),
                    shape(m).async(), codecs, decoders, wait.toNanos(), service,
                    m.getDeclaringClass().getSimpleName() + "." + m.getName()));
        }
        return subscribers;
    }

    /** A method handle bound to {@code instance}, shaped {@code (Object payload, Metadata headers) -> Object}. */
    static MethodHandle invoker(Method m, Object instance) {
        MethodHandle mh = ServiceModel.unreflect(m).bindTo(instance);
        if (m.getParameterCount() == 1) {
            mh = MethodHandles.dropArguments(mh, 1, Metadata.class);
        }
        return mh.asType(MethodType.methodType(Object.class, Object.class, Metadata.class));
    }

    /** The name the validator compares: {@code int}, {@code byte[]}, {@code java.util.List}. */
    static String typeName(Class<?> c) {
        return c.isArray() ? typeName(c.getComponentType()) + "[]" : c.getName();
    }

    private static String erasureName(Type t) {
        if (t instanceof Class<?> c) {
            return typeName(c);
        }
        if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            return typeName(raw);
        }
        return t.getTypeName();
    }
}
