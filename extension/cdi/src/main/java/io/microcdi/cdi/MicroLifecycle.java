package io.microcdi.cdi;

import io.microcdi.config.MicroConfig;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.server.Server;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Shutdown;
import jakarta.enterprise.event.Startup;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.Interceptor;

/**
 * Serves the discovered {@code @Service} beans once the container is up, and stops serving before it goes down.
 *
 * <pre>{@code
 * micro.server.enabled=false   # a client-only process: discover, call, never serve
 * }</pre>
 *
 * <p>Start: listen, then register (then heartbeat). Stop: deregister first, stop accepting, drain, close. A bad
 * configuration value fails the start, naming the key.
 */
@ApplicationScoped
public class MicroLifecycle {

    private final MicroModel model;
    private final MicroConfig config;
    private final Instance<Object> beans;
    private volatile Server server;

    MicroLifecycle() {
        this(null, null, null); // for the container's client proxy
    }

    @jakarta.inject.Inject
    MicroLifecycle(MicroModel model, MicroConfig config, @Any Instance<Object> beans) {
        this.model = model;
        this.config = config;
        this.beans = beans;
    }

    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) Startup startup) {
        if (model.services().isEmpty() || !config.bool("micro.server.enabled", true)) {
            return;
        }
        Server s = beans.select(Server.class).get();
        String defaultVersion = config.get("micro.server.version", "latest");
        for (MicroModel.ServiceBean bean : model.services()) {
            Object instance = beans.select(bean.type(), Any.Literal.INSTANCE).get();
            String version = bean.version().isEmpty() ? defaultVersion : bean.version();
            s.handle(ServiceModel.define(bean.type(), instance, bean.name(), version));
        }
        s.start();
        server = s;
    }

    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) Shutdown shutdown) {
        Server s = server;
        if (s != null) {
            s.stop();
        }
    }

    /** The running server, or {@code null} when this process serves nothing. */
    public Server server() {
        return server;
    }
}
