package io.microcdi.cdi;

import io.microcdi.annotation.Wrap;
import io.microcdi.client.CallWrapper;
import io.microcdi.client.Client;
import io.microcdi.codec.Codecs;
import io.microcdi.config.MicroConfig;
import io.microcdi.internal.client.ClientInterception;
import io.microcdi.internal.client.ClientProxies;
import io.microcdi.client.rpc.RpcClientConfig;
import io.microcdi.telemetry.Telemetry;
import io.microcdi.wrappers.BuiltInWrapper;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.build.compatible.spi.Parameters;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticBeanCreator;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Creates the bean behind {@code @Inject @MicroClient("greeter") GreeterApi}: a typed proxy over the {@link Client}
 * bean, encoding with the codec of the method's or the interface's {@code @ContentType}, else of
 * {@code micro.client.greeter.content-type}, else of {@code micro.client.content-type}, its attempts going through the built-in
 * wrappers {@code micro.client.wrappers} or {@code @Wrap} names, then the {@link CallWrapper} beans that apply to it,
 * and its calls through the interceptors bound on the interface (or on every client by
 * {@code micro.client.wrappers}).
 *
 * <pre>{@code
 * // registered by MicroExtension; users only inject
 * }</pre>
 *
 * <p>Wrappers and interceptors are resolved here, once per client: a call composes nothing. All lookups go through
 * {@link Instance} in this one place, so moving to CDI 5's synthetic injections is local.
 */
public final class MicroClientCreator implements SyntheticBeanCreator<Object> {

    static final String INTERFACE = "interface";
    static final String SERVICE = "service";
    static final String CLIENT_WRAPPERS = "micro.client.wrappers";

    @Override
    public Object create(Instance<Object> lookup, Parameters params) {
        Class<?> type = params.get(INTERFACE, Class.class);
        String service = params.get(SERVICE, String.class);
        Client client = lookup.select(Client.class).get();
        Codecs codecs = lookup.select(Codecs.class).get();
        MicroConfig config = lookup.select(MicroConfig.class).get();
        String contentType = contentType(config, service, codecs);
        Set<String> named = lookup.select(MicroModel.class).get().namedWrappers();
        Set<BuiltInWrapper> everywhere = BuiltInWrapper.parse(CLIENT_WRAPPERS, config.get(CLIENT_WRAPPERS, ""));
        boolean traced = lookup.select(Telemetry.class).get().traces();
        List<CallWrapper> wrappers = new ArrayList<>(builtIns(type, everywhere, config, traced));
        wrappers.addAll(wrappers(lookup, type, named));
        Annotation[] bindings = everywhere.stream().filter(b -> !b.wrapsClients()).map(BuiltInWrapper::binding)
                .toArray(Annotation[]::new);
        return ClientProxies.create(type, service, client.wrap(wrappers), codecs, contentType,
                interception(lookup, bindings));
    }

    /** The content type of calls to {@code service} by configuration, checked against the codecs there are. */
    static String contentType(MicroConfig config, String service, Codecs codecs) {
        String key = RpcClientConfig.contentTypeKey(config, service);
        String contentType = config.get(key, RpcClientConfig.DEFAULT_CONTENT_TYPE).trim();
        if (codecs.get(contentType) == null) {
            throw MicroConfig.invalid(key, contentType, "one of " + String.join(", ", codecs.contentTypes()));
        }
        return contentType;
    }

    /**
     * The built-in wrappers of client {@code type}, outermost of all: those {@code micro.client.wrappers} names for
     * every client and those {@code type} names in {@code @Wrap} (made here, as they are no beans), in
     * {@link BuiltInWrapper} order. With {@code traced} (a telemetry that carries the trace context itself, such as
     * OpenTelemetry's) the {@code trace} wrapper is left out: the telemetry's client span is the one on the wire.
     */
    static List<CallWrapper> builtIns(Class<?> type, Set<BuiltInWrapper> everywhere, MicroConfig config,
                                      boolean traced) {
        Set<BuiltInWrapper> mine = EnumSet.noneOf(BuiltInWrapper.class);
        everywhere.stream().filter(BuiltInWrapper::wrapsClients).forEach(mine::add);
        Wrap wrap = type.getAnnotation(Wrap.class);
        if (wrap != null) {
            for (Class<?> c : wrap.value()) {
                BuiltInWrapper.ofClientWrapper(c.getName()).ifPresent(mine::add);
            }
        }
        if (traced) {
            mine.remove(BuiltInWrapper.TRACE);
        }
        return mine.stream().map(b -> b.newClientWrapper(config)).toList();
    }

    /**
     * The wrappers of client {@code type}: every {@code CallWrapper} bean no client names, and those {@code type}
     * names in {@code @Wrap}; by {@code @Priority} (lower first, outermost; none = after all that have one), then by
     * class name.
     */
    static List<CallWrapper> wrappers(Instance<Object> lookup, Class<?> type, Set<String> named) {
        Wrap wrap = type.getAnnotation(Wrap.class);
        Set<String> mine = wrap == null ? Set.of()
                : Arrays.stream(wrap.value()).map(Class::getName).collect(Collectors.toSet());
        record Found(Bean<?> bean, CallWrapper wrapper) {
        }
        List<Found> found = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (Instance.Handle<CallWrapper> h : lookup.select(CallWrapper.class, Any.Literal.INSTANCE).handles()) {
            Bean<?> bean = h.getBean();
            String name = bean.getBeanClass().getName();
            boolean namedHere = bean.getTypes().stream().anyMatch(t -> mine.contains(t.getTypeName()));
            boolean namedElsewhere = bean.getTypes().stream().anyMatch(t -> named.contains(t.getTypeName()));
            if (namedHere || !namedElsewhere) {
                found.add(new Found(bean, h.get()));
                bean.getTypes().forEach(t -> seen.add(t.getTypeName()));
                seen.add(name);
            }
        }
        for (String n : mine) {
            if (!seen.contains(n) && BuiltInWrapper.ofClientWrapper(n).isEmpty()) {
                throw noWrapperBean(n, type.getName());
            }
        }
        found.sort(Comparator.comparingInt((Found f) -> priority(f.bean()))
                .thenComparing(f -> f.bean().getBeanClass().getName()));
        return found.stream().map(Found::wrapper).toList();
    }

    /** MICRO-0204: a {@code @Wrap} names {@code wrapper}, which is no bean; {@code where} names the client. */
    static IllegalStateException noWrapperBean(String wrapper, String where) {
        return new IllegalStateException("MICRO-0204: @Wrap(" + wrapper + ".class) on " + where
                + ": no CallWrapper bean of that class (expected: a bean class such as @ApplicationScoped "
                + wrapper.substring(wrapper.lastIndexOf('.') + 1) + " implements CallWrapper)");
    }

    private static int priority(Bean<?> bean) {
        Priority p = bean.getBeanClass().getAnnotation(Priority.class);
        return p == null ? Integer.MAX_VALUE : p.value();
    }

    /** The container's interceptors for bindings on client interfaces; none where there is no full BeanManager. */
    private static ClientInterception interception(Instance<Object> lookup, Annotation[] everywhere) {
        Instance<BeanManager> bm = lookup.select(BeanManager.class);
        return bm.isResolvable() ? new InterceptedClients(bm.get(), everywhere) : ClientInterception.NONE;
    }
}
