package io.microcdi.cdi;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.build.compatible.spi.Parameters;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticBeanCreator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link MicroExtension} discovered, handed to run time: the {@code @Service} classes with their names, the
 * bean classes with {@code @Subscribe} methods, the {@code @Topic} publishers and the services typed clients call.
 *
 * <pre>{@code
 * @Inject MicroModel model;
 * model.services().forEach(s -> System.out.println(s.name() + " <- " + s.type()));
 * model.subscribers().forEach(c -> System.out.println("subscribes: " + c));
 * }</pre>
 */
public final class MicroModel {

    static final String CLASSES = "classes";
    static final String NAMES = "names";
    static final String VERSIONS = "versions";
    static final String SUBSCRIBERS = "subscribers";
    static final String TOPICS = "topics";
    static final String TOPIC_SITES = "topicSites";
    static final String NAMED_WRAPPERS = "namedWrappers";
    static final String CLIENT_SERVICES = "clientServices";
    static final String STREAMING_CLIENTS = "streamingClients";

    private final List<ServiceBean> services;
    private final List<Class<?>> subscribers;
    private final List<PublisherSite> publishers;
    private final Set<String> namedWrappers;
    private final List<String> clientServices;
    private final Map<String, List<String>> streamingClients;

    MicroModel(List<ServiceBean> services, List<Class<?>> subscribers, List<PublisherSite> publishers,
               Set<String> namedWrappers, List<String> clientServices, Map<String, List<String>> streamingClients) {
        this.services = List.copyOf(services);
        this.subscribers = List.copyOf(subscribers);
        this.publishers = List.copyOf(publishers);
        this.namedWrappers = Set.copyOf(namedWrappers);
        this.clientServices = List.copyOf(clientServices);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        streamingClients.forEach((type, methods) -> copy.put(type, List.copyOf(methods)));
        this.streamingClients = java.util.Collections.unmodifiableMap(copy);
    }

    /** The services {@code @MicroClient} injection points call, each once, in discovery order. */
    public List<String> clientServices() {
        return clientServices;
    }

    /** Whether this process has nothing to serve, subscribe, publish or call through a typed client. */
    public boolean isEmpty() {
        return services.isEmpty() && subscribers.isEmpty() && publishers.isEmpty() && clientServices.isEmpty();
    }

    /**
     * The {@code @MicroClient} interfaces injected somewhere that have streaming methods, each with the names of
     * those methods: the start checks that the client and the transport can stream.
     */
    public Map<String, List<String>> streamingClients() {
        return streamingClients;
    }

    /**
     * The {@code CallWrapper} classes some {@code @MicroClient} interface names in {@code @Wrap}: they apply only to
     * the clients naming them; every other wrapper bean applies to all.
     */
    public Set<String> namedWrappers() {
        return namedWrappers;
    }

    /**
     * The service this process calls itself by: the one {@code @Service} it serves, or {@code ""} when it serves
     * none or several (its subscribers' calls then name no {@code Micro-From-Service}).
     */
    public String processService() {
        return services.size() == 1 ? services.get(0).name() : "";
    }

    /** The {@code @Topic} publishers injected somewhere, one per (topic, payload type). */
    public List<PublisherSite> publishers() {
        return publishers;
    }

    /**
     * One {@code @Topic} injection.
     *
     * @param topic the topic as written (it may name configuration: {@code ${key:default}})
     * @param where the injection point, for messages
     */
    public record PublisherSite(String topic, String where) {
    }

    /** The discovered services, in discovery order. */
    public List<ServiceBean> services() {
        return services;
    }

    /** The bean classes with {@code @Subscribe} methods, by class name. */
    public List<Class<?>> subscribers() {
        return subscribers;
    }

    /**
     * One {@code @Service} bean.
     *
     * @param type    the bean class
     * @param name    the service name
     * @param version the version from {@code @Service}, or {@code ""} for the server default
     */
    public record ServiceBean(Class<?> type, String name, String version) {
    }

    /** Builds the model from the extension's parameters. */
    public static final class Creator implements SyntheticBeanCreator<MicroModel> {

        @Override
        public MicroModel create(Instance<Object> lookup, Parameters params) {
            Class<?>[] classes = params.get(CLASSES, Class[].class);
            String[] names = params.get(NAMES, String[].class);
            String[] versions = params.get(VERSIONS, String[].class);
            List<ServiceBean> list = new ArrayList<>();
            for (int i = 0; i < classes.length; i++) {
                list.add(new ServiceBean(classes[i], names[i], versions[i]));
            }
            Class<?>[] subscribers = params.get(SUBSCRIBERS, Class[].class, new Class<?>[0]);
            String[] topics = params.get(TOPICS, String[].class, new String[0]);
            String[] sites = params.get(TOPIC_SITES, String[].class, new String[0]);
            List<PublisherSite> publishers = new ArrayList<>();
            for (int i = 0; i < topics.length; i++) {
                publishers.add(new PublisherSite(topics[i], sites[i]));
            }
            String[] wrappers = params.get(NAMED_WRAPPERS, String[].class, new String[0]);
            String[] clientServices = params.get(CLIENT_SERVICES, String[].class, new String[0]);
            Map<String, List<String>> streaming = new LinkedHashMap<>();
            for (String m : params.get(STREAMING_CLIENTS, String[].class, new String[0])) {
                int hash = m.indexOf('#');
                streaming.computeIfAbsent(m.substring(0, hash), k -> new ArrayList<>()).add(m.substring(hash + 1));
            }
            return new MicroModel(list, List.of(subscribers), publishers, Set.of(wrappers), List.of(clientServices),
                    streaming);
        }
    }
}
