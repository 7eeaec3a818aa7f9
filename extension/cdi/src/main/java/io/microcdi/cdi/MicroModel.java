package io.microcdi.cdi;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.build.compatible.spi.Parameters;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticBeanCreator;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link MicroExtension} discovered, handed to run time: the {@code @Service} classes with their names, and the
 * bean classes with {@code @Subscribe} methods.
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

    private final List<ServiceBean> services;
    private final List<Class<?>> subscribers;

    MicroModel(List<ServiceBean> services, List<Class<?>> subscribers) {
        this.services = List.copyOf(services);
        this.subscribers = List.copyOf(subscribers);
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
            return new MicroModel(list, List.of(subscribers));
        }
    }
}
