package io.microcdi.cdi;

import io.microcdi.annotation.Endpoint;
import io.microcdi.annotation.MicroClient;
import io.microcdi.annotation.Service;
import io.microcdi.annotation.Subscribe;
import io.microcdi.annotation.Topic;
import io.microcdi.annotation.Wrap;
import io.microcdi.broker.Publisher;
import io.microcdi.internal.broker.SubscriberShape;
import io.microcdi.internal.broker.SubscriberValidator;
import io.microcdi.internal.model.EndpointNames;
import io.microcdi.internal.model.MethodShape;
import io.microcdi.internal.model.ModelValidator;
import io.microcdi.wrappers.BuiltInWrapper;
import jakarta.enterprise.inject.build.compatible.spi.BeanInfo;
import jakarta.enterprise.inject.build.compatible.spi.BuildCompatibleExtension;
import jakarta.enterprise.inject.build.compatible.spi.ClassConfig;
import jakarta.enterprise.inject.build.compatible.spi.Discovery;
import jakarta.enterprise.inject.build.compatible.spi.Enhancement;
import jakarta.enterprise.inject.build.compatible.spi.InjectionPointInfo;
import jakarta.enterprise.inject.build.compatible.spi.Messages;
import jakarta.enterprise.inject.build.compatible.spi.Registration;
import jakarta.enterprise.inject.build.compatible.spi.ScannedClasses;
import jakarta.enterprise.inject.build.compatible.spi.Synthesis;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticComponents;
import jakarta.enterprise.inject.build.compatible.spi.Validation;
import jakarta.enterprise.lang.model.AnnotationInfo;
import jakarta.enterprise.lang.model.declarations.ClassInfo;
import jakarta.enterprise.lang.model.declarations.MethodInfo;
import jakarta.enterprise.lang.model.types.Type;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one discovery path of MicroCDI, a CDI 4.0 Build Compatible Extension (so Weld, Open Liberty and Quarkus' ArC
 * all run it): it records {@code @Service} beans, beans with {@code @Subscribe} methods, {@code @MicroClient} and
 * {@code @Topic} injection points into one model, checks them, and registers a synthetic client bean per
 * (interface, service) pair and a synthetic publisher bean per (topic, payload type) pair.
 *
 * <pre>{@code
 * @Inject @MicroClient("greeter") GreeterApi greeter;        // served by a bean this extension registers
 * @Inject @Topic("orders") Publisher<OrderPlaced> orders;    // likewise
 * }</pre>
 *
 * <p>Everything here works on the CDI language model, never on reflection. With the MicroProfile Health API on the
 * class path it adds the readiness and liveness checks of {@code io.microcdi.cdi.health} ({@link #addHealthChecks}).
 * It reads one configuration key,
 * {@code micro.server.wrappers} (the built-in interceptors to bind on every service and subscriber, see
 * {@link #addServerWrappers}); plugins are chosen at run time by {@link MicroProducers}.
 */
public class MicroExtension implements BuildCompatibleExtension {

    private static final Set<String> LIFECYCLE = Set.of("jakarta.annotation.PostConstruct",
            "jakarta.annotation.PreDestroy");
    private static final Set<String> LOOKUPS = Set.of("jakarta.enterprise.inject.Instance", "jakarta.inject.Provider");
    /** The MicroProfile Health API type whose presence adds {@link #HEALTH_CHECKS}. */
    static final String HEALTH_API = "org.eclipse.microprofile.health.HealthCheck";
    static final List<String> HEALTH_CHECKS = List.of("io.microcdi.cdi.health.MicroReadiness",
            "io.microcdi.cdi.health.MicroLiveness");

    private final Map<String, ServiceEntry> services = new LinkedHashMap<>();
    private final Map<String, ClientEntry> clients = new LinkedHashMap<>();
    private final Map<String, SubscriberEntry> subscribers = new LinkedHashMap<>();
    private final Map<String, PublisherEntry> publishers = new LinkedHashMap<>();
    /** {@code micro.server.wrappers}, read at the first enhancement. */
    private Set<BuiltInWrapper> serverWrappers;

    private record ServiceEntry(ClassInfo type, String name, String version) {
    }

    private record ClientEntry(ClassInfo type, String service, AnnotationInfo qualifier) {
    }

    private record SubscriberEntry(ClassInfo type, String scope, List<MethodInfo> methods) {
    }

    /**
     * @param type     the injected {@code Publisher<T>} (the bean type to register)
     * @param payload  {@code T} as written, or {@code ""} for a raw {@code Publisher}
     * @param concrete whether {@code T} is a class, array or parameterized type
     * @param where    the injection point, for problems
     */
    private record PublisherEntry(Type type, String topic, AnnotationInfo qualifier, String payload, boolean concrete,
                                  String where) {
    }

    /**
     * Adds the MicroProfile Health checks ({@code io.microcdi.cdi.health}) when the MicroProfile Health API is on the
     * class path, and nothing otherwise: the classes implement its {@code HealthCheck}, so they are named, never
     * loaded, here. On Quarkus this runs at build time, against the application's class path.
     */
    @Discovery
    public void addHealthChecks(ScannedClasses scan) {
        // the application's class path (the context class loader), or failing that MicroCDI's own
        if (loadable(HEALTH_API, Thread.currentThread().getContextClassLoader(), MicroExtension.class.getClassLoader())) {
            HEALTH_CHECKS.forEach(scan::add);
        }
    }

    /** Whether one of {@code loaders} ({@code null} ones skipped) can load {@code className}. */
    static boolean loadable(String className, ClassLoader... loaders) {
        for (ClassLoader cl : loaders) {
            if (cl == null) {
                continue;
            }
            try {
                Class.forName(className, false, cl);
                return true;
            } catch (ClassNotFoundException | LinkageError e) {
                // not on this class path
            }
        }
        return false;
    }

    /**
     * Collects {@code @Service} classes, classes with {@code @Subscribe} methods, and {@code @MicroClient} and
     * {@code @Topic} injection points of every bean.
     */
    @Registration(types = Object.class)
    public void collect(BeanInfo bean) {
        if (bean.isClassBean() && !bean.isInterceptor()) {
            List<MethodInfo> subscribeMethods = PubSubShapes.subscribeMethods(bean.declaringClass());
            if (!subscribeMethods.isEmpty()) {
                subscribers.put(bean.declaringClass().name(), new SubscriberEntry(bean.declaringClass(),
                        bean.scope().name(), subscribeMethods));
            }
        }
        if (bean.isClassBean() && bean.declaringClass().hasAnnotation(Service.class)) {
            ClassInfo type = bean.declaringClass();
            AnnotationInfo s = type.annotation(Service.class);
            String name = s.hasMember("name") ? s.member("name").asString() : "";
            String version = s.hasMember("version") ? s.member("version").asString() : "";
            services.put(type.name(), new ServiceEntry(type,
                    name.isEmpty() ? EndpointNames.serviceName(type.simpleName()) : name, version));
        }
        for (InjectionPointInfo ip : bean.injectionPoints()) {
            for (AnnotationInfo q : ip.qualifiers()) {
                if (q.name().equals(MicroClient.class.getName())) {
                    ClassInfo type = declaration(clientType(ip.type()));
                    String service = q.value().asString();
                    if (type != null) {
                        clients.putIfAbsent(type.name() + "\n" + service, new ClientEntry(type, service, q));
                    }
                } else if (q.name().equals(Topic.class.getName())) {
                    collectPublisher(ip, q);
                }
            }
        }
    }

    /**
     * Adds the interceptor bindings of the built-in wrappers {@code micro.server.wrappers} names ({@code logging},
     * {@code metrics}, {@code trace}, {@code auth}) to every {@code @Service} class and class with {@code @Subscribe}
     * methods ({@code auth}: to services only), unless it has them already. An unknown name fails the start, naming the key and the allowed names.
     *
     * <p>The one configuration key this extension reads: on Quarkus it runs at build time, so the value is the
     * build's.
     */
    @Enhancement(types = Object.class, withSubtypes = true, withAnnotations = {Service.class, Subscribe.class})
    public void addServerWrappers(ClassConfig type) {
        if (serverWrappers == null) {
            serverWrappers = BuiltInWrapper.parse("micro.server.wrappers", ConfigProvider.getConfig()
                    .getOptionalValue("micro.server.wrappers", String.class).orElse(""));
        }
        if (type.info().isInterface() || type.info().isAnnotation() || type.info().isEnum()) {
            return;
        }
        for (BuiltInWrapper w : serverWrappers) {
            // auth guards services only: a message published outside any call carries no token to check
            if (w == BuiltInWrapper.AUTH && !type.info().hasAnnotation(Service.class)) {
                continue;
            }
            if (!type.info().hasAnnotation(w.binding().annotationType())) {
                type.addAnnotation(w.binding());
            }
        }
    }

    /** Records a {@code @Topic} injection of {@code Publisher<T>}, {@code Instance<Publisher<T>>} or a provider of it. */
    private void collectPublisher(InjectionPointInfo ip, AnnotationInfo q) {
        Type t = clientType(ip.type());
        ClassInfo declared = declaration(t);
        if (declared == null || !declared.name().equals(Publisher.class.getName())) {
            return; // not a publisher: the container reports the unsatisfied injection point itself
        }
        String topic = q.value().asString();
        Type payload = t.isParameterizedType() ? t.asParameterizedType().typeArguments().get(0) : null;
        String payloadName = payload == null ? "" : PubSubShapes.typeName(payload);
        boolean concrete = payload != null && PubSubShapes.isConcrete(payload);
        publishers.putIfAbsent(topic + "\n" + payloadName, new PublisherEntry(t, topic, q, payloadName, concrete,
                PubSubShapes.describe(ip)));
    }

    /** The {@code CallWrapper} classes a client interface names in {@code @Wrap}. */
    static List<String> wrapsNamed(ClassInfo type) {
        AnnotationInfo wrap = type.annotation(Wrap.class);
        if (wrap == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (var v : wrap.value().asArray()) {
            names.add(declaration(v.asType()) == null ? v.asType().toString() : declaration(v.asType()).name());
        }
        return names;
    }

    /** The client type of an injection point: {@code Api} for {@code Api}, {@code Instance<Api>}, {@code Provider<Api>}. */
    static Type clientType(Type t) {
        if (t.isParameterizedType() && LOOKUPS.contains(t.asParameterizedType().declaration().name())
                && t.asParameterizedType().typeArguments().size() == 1) {
            return t.asParameterizedType().typeArguments().get(0);
        }
        return t;
    }

    static ClassInfo declaration(Type t) {
        return t.isClass() ? t.asClass().declaration()
                : t.isParameterizedType() ? t.asParameterizedType().declaration() : null;
    }

    /**
     * Registers the model bean, one client bean per interface and service, and one publisher bean per topic and
     * payload type (all {@code @Singleton}: no client proxy on the call path).
     */
    @Synthesis
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void synthesize(SyntheticComponents components, Messages messages) {
        List<ServiceEntry> list = List.copyOf(services.values());
        components.addBean(MicroModel.class)
                .type(MicroModel.class)
                .scope(Singleton.class)
                .withParam(MicroModel.CLASSES, list.stream().map(ServiceEntry::type).toArray(ClassInfo[]::new))
                .withParam(MicroModel.NAMES, list.stream().map(ServiceEntry::name).toArray(String[]::new))
                .withParam(MicroModel.VERSIONS, list.stream().map(ServiceEntry::version).toArray(String[]::new))
                .withParam(MicroModel.SUBSCRIBERS, subscribers.values().stream().map(SubscriberEntry::type)
                        .sorted(java.util.Comparator.comparing(ClassInfo::name)) // the order registration comes in varies
                        .toArray(ClassInfo[]::new))
                .withParam(MicroModel.TOPICS, publishers.values().stream().map(PublisherEntry::topic)
                        .toArray(String[]::new))
                .withParam(MicroModel.TOPIC_SITES, publishers.values().stream().map(PublisherEntry::where)
                        .toArray(String[]::new))
                .withParam(MicroModel.NAMED_WRAPPERS, clients.values().stream()
                        .flatMap(c -> wrapsNamed(c.type()).stream()).distinct().toArray(String[]::new))
                .withParam(MicroModel.CLIENT_SERVICES, clients.values().stream().map(ClientEntry::service)
                        .distinct().toArray(String[]::new))
                .withParam(MicroModel.STREAMING_CLIENTS, clients.values().stream()
                        .filter(c -> c.type().isInterface())
                        .flatMap(c -> abstractShapes(c.type()).stream()
                                .filter(m -> m.streamsRequests() || m.streamsResponses())
                                .map(m -> c.type().name() + "#" + m.name()))
                        .distinct().toArray(String[]::new))
                .createWith(MicroModel.Creator.class);
        for (ClientEntry c : clients.values()) {
            // A client of a class is registered too (its creation would fail): without a bean the container would
            // report an unsatisfied injection point before @Validation gets to say what is wrong.
            Class<?> iface;
            try {
                // ArC builds a normal-scoped bean's proxy from the bean class: it must be the interface itself.
                iface = Class.forName(c.type().name(), false, Thread.currentThread().getContextClassLoader());
            } catch (ClassNotFoundException e) {
                messages.error("MICRO-0203: @MicroClient " + c.type().name() + " cannot be loaded: " + e);
                continue;
            }
            components.addBean((Class) iface)
                    .type(c.type())
                    .qualifier(c.qualifier())
                    .scope(Singleton.class)
                    .withParam(MicroClientCreator.INTERFACE, c.type())
                    .withParam(MicroClientCreator.SERVICE, c.service())
                    .createWith(MicroClientCreator.class);
        }
        for (PublisherEntry p : publishers.values()) {
            // registered even when broken (reported by validate), so the container does not report the injection
            // point as unsatisfied first; a raw Publisher gets a raw bean type, a wildcard or type variable none
            // (a bean type may not hold them)
            if (!p.payload().isEmpty() && !p.concrete()) {
                continue;
            }
            var bean = components.addBean((Class) Publisher.class)
                    .type(p.type())
                    .qualifier(p.qualifier())
                    .scope(Singleton.class)
                    .withParam(PublisherCreator.TOPIC, p.topic())
                    .createWith(PublisherCreator.class);
            Type payload = p.payload().isEmpty() ? null : p.type().asParameterizedType().typeArguments().get(0);
            ClassInfo payloadClass = payload == null ? null : declaration(payload);
            if (payloadClass != null) {
                bean.withParam(PublisherCreator.PAYLOAD, payloadClass);
            } else {
                bean.withParam(PublisherCreator.PAYLOAD_NAME, payload == null ? "java.lang.Object"
                        : PubSubShapes.binaryName(payload));
            }
        }
    }

    /**
     * Reports every broken service class, client interface, subscriber method and publisher injection at once; the
     * container does not start.
     */
    @Validation
    public void validate(Messages messages) {
        for (ServiceEntry s : services.values()) {
            AnnotationInfo onType = s.type().annotation(Endpoint.class);
            String handler = onType != null ? onType.value().asString() : s.type().simpleName();
            for (String p : ModelValidator.service(s.type().name(), handler, endpointShapes(s.type()))) {
                messages.error(p, s.type());
            }
        }
        for (ClientEntry c : clients.values()) {
            List<MethodShape> shapes = c.type().isInterface() ? abstractShapes(c.type()) : List.of();
            for (String p : ModelValidator.client(c.type().name(), c.type().isInterface(), shapes)) {
                messages.error(p, c.type());
            }
        }
        for (SubscriberEntry s : subscribers.values()) {
            for (String p : SubscriberValidator.scope(s.type().name(), s.scope())) {
                messages.error(p, s.type());
            }
            for (MethodInfo m : s.methods()) {
                SubscriberShape shape = PubSubShapes.shape(m);
                for (String p : SubscriberValidator.subscriber(m.declaringClass().name(), shape)) {
                    messages.error(p, m);
                }
            }
        }
        for (PublisherEntry p : publishers.values()) {
            for (String problem : SubscriberValidator.publisher(p.where(), p.topic(), p.payload(), p.concrete())) {
                messages.error(problem);
            }
        }
    }

    private static List<MethodShape> endpointShapes(ClassInfo type) {
        List<MethodShape> shapes = new ArrayList<>();
        List<MethodInfo> kept = new ArrayList<>();
        for (ClassInfo k = type; k != null && !k.name().equals("java.lang.Object"); k = k.superClassDeclaration()) {
            for (MethodInfo m : k.methods()) {
                if (m.isConstructor() || m.isStatic() || !Modifier.isPublic(m.modifiers()) || isObjectMethod(m)
                        || m.annotations(a -> LIFECYCLE.contains(a.name())).size() > 0
                        || kept.stream().anyMatch(d -> d.declaringClass() != m.declaringClass() && overrides(d, m))) {
                    continue; // overridden further down: the most derived declaration serves, as Class.getMethods()
                }
                kept.add(m);
                shapes.add(shape(m));
            }
        }
        return shapes;
    }

    /**
     * Whether {@code derived} overrides {@code base}: same name and parameters, where a type variable (a generic
     * base class's {@code T}) stands for any type. Overloads (other parameter types) are kept apart.
     */
    static boolean overrides(MethodInfo derived, MethodInfo base) {
        if (!derived.name().equals(base.name()) || derived.parameters().size() != base.parameters().size()) {
            return false;
        }
        for (int i = 0; i < base.parameters().size(); i++) {
            Type b = base.parameters().get(i).type();
            Type d = derived.parameters().get(i).type();
            if (!b.isTypeVariable() && !d.isTypeVariable() && !erasure(b).equals(erasure(d))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isObjectMethod(MethodInfo m) {
        int n = m.parameters().size();
        return (n == 0 && (m.name().equals("toString") || m.name().equals("hashCode")))
                || (n == 1 && m.name().equals("equals")
                && m.parameters().get(0).type().isClass()
                && m.parameters().get(0).type().asClass().declaration().name().equals("java.lang.Object"));
    }

    private static List<MethodShape> abstractShapes(ClassInfo type) {
        List<MethodShape> shapes = new ArrayList<>();
        for (MethodInfo m : type.methods()) {
            if (Modifier.isAbstract(m.modifiers()) && !isObjectMethod(m)) {
                shapes.add(shape(m));
            }
        }
        for (var sup : type.superInterfacesDeclarations()) {
            shapes.addAll(abstractShapes(sup));
        }
        return shapes;
    }

    static String erasure(Type t) {
        ClassInfo c = declaration(t);
        return c != null ? c.name() : t.toString();
    }

    private static MethodShape shape(MethodInfo m) {
        AnnotationInfo e = m.annotation(Endpoint.class);
        Type r = m.returnType();
        String returnType = r.isClass() ? r.asClass().declaration().name()
                : r.isParameterizedType() ? r.asParameterizedType().declaration().name() : r.toString();
        String parameterType = m.parameters().isEmpty() ? "" : erasure(m.parameters().get(0).type());
        return new MethodShape(m.name(), m.parameters().size(), e == null ? "" : e.value().asString(), returnType,
                parameterType, carries(m, MethodShape.BLOCKING), carries(m, MethodShape.NON_BLOCKING));
    }

    /** Whether {@code m} carries one of the annotations named, by name: SmallRye's need not be on the class path. */
    private static boolean carries(MethodInfo m, List<String> annotationNames) {
        return !m.annotations(a -> annotationNames.contains(a.name())).isEmpty();
    }
}
