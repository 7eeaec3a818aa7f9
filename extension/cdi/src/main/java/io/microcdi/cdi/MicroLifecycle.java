package io.microcdi.cdi;

import io.microcdi.broker.Broker;
import io.microcdi.broker.Subscription;
import io.microcdi.codec.Codecs;
import io.microcdi.config.ConfigException;
import io.microcdi.config.MicroConfig;
import io.microcdi.internal.broker.BrokerSubscriptions;
import io.microcdi.internal.broker.SubscriberMethod;
import io.microcdi.internal.broker.SubscriberModel;
import io.microcdi.internal.broker.TopicNames;
import io.microcdi.client.Client;
import io.microcdi.internal.model.Capabilities;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.lifecycle.AfterStart;
import io.microcdi.lifecycle.AfterStop;
import io.microcdi.lifecycle.BeforeStart;
import io.microcdi.lifecycle.BeforeStop;
import io.microcdi.lifecycle.StartAbortedException;
import io.microcdi.registry.Registry;
import io.microcdi.server.Server;
import io.microcdi.server.ServiceDefinition;
import io.microcdi.telemetry.Telemetry;
import io.microcdi.transport.Transport;
import io.microcdi.wrappers.BearerToken;
import io.microcdi.wrappers.BearerTokenInterceptor;
import io.microcdi.wrappers.BearerTokenWrapper;
import io.microcdi.wrappers.BuiltInWrapper;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.ObserverException;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Shutdown;
import jakarta.enterprise.event.Startup;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.Interceptor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Serves the discovered {@code @Service} beans and subscribes the {@code @Subscribe} methods once the container is
 * up, and undoes both before it goes down.
 *
 * <pre>{@code
 * micro.server.enabled=false   # a client-only process: discover, call, publish; never serve nor subscribe
 * }</pre>
 *
 * <p>Start: listen, then register (then heartbeat), then subscribe. Stop: unsubscribe (the broker deregisters its
 * subscriptions, so publishers stop choosing this process), then deregister, stop accepting, drain, close, then
 * disconnect the broker once the messages still in subscribers are handled. A bad
 * configuration value fails the start, naming the key; a start that fails half way undoes what it did.
 *
 * <p>Subscribers belong to the server, as in Go Micro: they are part of what a process serves, and
 * {@code micro.server.enabled=false} turns both off (with the HTTP broker a subscription listens for deliveries too).
 *
 * <p>Around both it fires Go Micro's hooks as CDI events ({@code io.microcdi.lifecycle}): {@link BeforeStart} before
 * anything listens, {@link AfterStart} once registered and subscribed, {@link BeforeStop} before anything is undone,
 * {@link AfterStop} once everything is. An observer that throws in {@code BeforeStart} or {@code AfterStart} aborts
 * the start ({@link StartAbortedException}, what was started undone); one that throws in {@code BeforeStop} or
 * {@code AfterStop} is logged and the stop carries on. A client-only process ({@code micro.server.enabled=false})
 * fires none of them.
 */
@ApplicationScoped
public class MicroLifecycle {

    private static final System.Logger LOG = System.getLogger(MicroLifecycle.class.getName());

    /** Where the start and stop are; the health checks read it. */
    public enum State {
        /** The container has not started yet. */
        NEW,
        /** {@code BeforeStart} fired; listening, registering, subscribing, then {@code AfterStart}. */
        STARTING,
        /** Started: serving and registered, or a client-only process. */
        STARTED,
        /** {@code BeforeStop} fired; unsubscribing, deregistering, draining. */
        STOPPING,
        /** Stopped, or a start that failed and was undone. */
        STOPPED
    }

    private final MicroModel model;
    private final MicroConfig config;
    private final Instance<Object> beans;
    private final Event<Object> events;
    private volatile State state = State.NEW;
    /** {@code AfterStart} was fired and no observer threw: the stop fires {@code BeforeStop} and {@code AfterStop}. */
    private volatile boolean announced;
    private volatile List<String> serviceNames = List.of();
    private volatile Server server;
    private volatile BrokerSubscriptions subscriptions;
    /** The broker subscribed to, disconnected at the end of the stop. */
    private volatile Broker broker;

    MicroLifecycle() {
        this(null, null, null, null); // for the container's client proxy
    }

    @jakarta.inject.Inject
    MicroLifecycle(MicroModel model, MicroConfig config, @Any Instance<Object> beans, Event<Object> events) {
        this.model = model;
        this.config = config;
        this.beans = beans;
        this.events = events;
    }

    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) Startup startup) {
        StartupConfig.check(model, config, beans);
        boolean serving = config.bool("micro.server.enabled", true);
        // the registry (mDNS: bind, browse, probe the host name) and the codecs (Jackson) are made on threads of their
        // own while the checks below run and the server and transport are made: the start waits for the slowest
        Prefetch prefetch = serving && !model.services().isEmpty()
                ? Prefetch.start(beans, Registry.class, Codecs.class) : Prefetch.NONE;
        try {
            start(serving);
        } finally {
            prefetch.await(); // a failure there is the main thread's too: it made the same bean and threw
        }
    }

    private void start(boolean serving) {
        checkWrappers();
        checkPublishers();
        Server s = serving && !model.services().isEmpty() ? define() : null;
        checkStreaming(s == null ? List.of() : s.services());
        if (!serving) {
            state = State.STARTED; // a client-only process: nothing to start, no event to fire
            return;
        }
        List<String> names = s == null ? List.of() : s.services().stream().map(ServiceDefinition::name).toList();
        serviceNames = names;
        state = State.STARTING;
        try {
            events.fire(new BeforeStart(names));
        } catch (RuntimeException e) {
            state = State.STOPPED;
            throw new StartAbortedException("BeforeStart", "nothing was started", observed(e));
        }
        try {
            if (s != null) {
                s.start(); // fails undone: no port or registration outlives it
                server = s;
            }
            if (!model.subscribers().isEmpty()) {
                subscribe();
            }
        } catch (RuntimeException | Error e) {
            undo(); // no port, registration or subscription may outlive a failed start
            throw e;
        }
        try {
            events.fire(new AfterStart(s == null ? "" : s.address(), names));
        } catch (RuntimeException e) {
            undo();
            throw new StartAbortedException("AfterStart", "what had started was stopped and deregistered",
                    observed(e));
        }
        announced = true;
        state = State.STARTED;
    }

    /** What an observer threw: the container may wrap a checked exception in an {@code ObserverException}. */
    private static Throwable observed(RuntimeException e) {
        return e instanceof ObserverException && e.getCause() != null ? e.getCause() : e;
    }

    /**
     * The built-in wrappers' configuration is checked at start, not at the first call or injection that needs it: both
     * lists name known wrappers, and the tokens the named or bound bearer-token check needs are set.
     */
    private void checkWrappers() {
        // the extension reads it only when there is a service or subscriber to bind them on: a typo fails everywhere
        var server = BuiltInWrapper.parse("micro.server.wrappers", config.get("micro.server.wrappers", ""));
        var client = BuiltInWrapper.parse("micro.client.wrappers", config.get("micro.client.wrappers", ""));
        if (client.contains(BuiltInWrapper.AUTH)) {
            BearerTokenWrapper.fromConfig(config);
        }
        boolean guarded = server.contains(BuiltInWrapper.AUTH) && !model.services().isEmpty();
        for (MicroModel.ServiceBean s : model.services()) {
            guarded |= bearerToken(s.type());
        }
        for (Class<?> s : model.subscribers()) {
            guarded |= bearerToken(s);
        }
        if (guarded) {
            new BearerTokenInterceptor(config); // fails naming micro.auth.tokens when none is set
        }
        // a @Wrap naming a class that is no bean would otherwise fail only where the client is first injected
        for (String wrapper : model.namedWrappers()) {
            if (BuiltInWrapper.ofClientWrapper(wrapper).isPresent()) {
                continue;
            }
            boolean found;
            try {
                Class<?> type = Class.forName(wrapper, false, Thread.currentThread().getContextClassLoader());
                found = !beans.select(type, Any.Literal.INSTANCE).isUnsatisfied();
            } catch (ClassNotFoundException e) {
                found = false;
            }
            if (!found) {
                throw MicroClientCreator.noWrapperBean(wrapper, "a @MicroClient interface");
            }
        }
    }

    private static boolean bearerToken(Class<?> type) {
        if (type.isAnnotationPresent(BearerToken.class)) {
            return true;
        }
        for (var m : type.getMethods()) {
            if (m.isAnnotationPresent(BearerToken.class)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A process that publishes checks what its publishers need at start, not at its first publish: every
     * {@code @Topic} resolves (naming the injection point when it does not) and the broker's configuration reads.
     */
    private void checkPublishers() {
        if (model.publishers().isEmpty()) {
            return;
        }
        for (MicroModel.PublisherSite p : model.publishers()) {
            String topic = TopicNames.resolve(p.topic(), config, "@Topic at " + p.where()).trim();
            if (topic.isEmpty()) {
                throw new ConfigException("@Topic(\"" + p.topic() + "\") at " + p.where()
                        + " resolves to an empty topic (expected: a topic name)");
            }
        }
        beans.select(Broker.class).get(); // made and connected now: a bad micro.broker.* value fails the start
    }

    /** The server with every {@code @Service} handed to it, not started yet. */
    private Server define() {
        Server s = beans.select(Server.class).get();
        String defaultVersion = config.get("micro.server.version", "latest");
        for (MicroModel.ServiceBean bean : model.services()) {
            Object instance = beans.select(bean.type(), Any.Literal.INSTANCE).get();
            String version = bean.version().isEmpty() ? defaultVersion : bean.version();
            s.handle(ServiceModel.define(bean.type(), instance, bean.name(), version));
        }
        return s;
    }

    /**
     * Streams need plugins that can carry them, checked now rather than at the first stream: a served streaming
     * endpoint needs a streaming transport (MICRO-0107), a {@code @MicroClient} with a streaming method a streaming
     * client (MICRO-0207) over a streaming transport (MICRO-0208). Every problem is reported at once.
     */
    private void checkStreaming(List<ServiceDefinition> served) {
        Map<String, List<String>> clients = model.streamingClients();
        if (served.isEmpty() && clients.isEmpty()) {
            return;
        }
        Transport transport = beans.select(Transport.class).get();
        List<String> problems = new ArrayList<>(Capabilities.server(served, transport));
        if (!clients.isEmpty()) {
            Client client = beans.select(Client.class).get();
            clients.forEach((type, methods) -> problems.addAll(Capabilities.client(type, methods, client,
                    transport)));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
    }

    private void subscribe() {
        Codecs codecs = beans.select(Codecs.class).get();
        List<SubscriberMethod> all = new ArrayList<>();
        for (Class<?> type : model.subscribers()) {
            // a normal-scoped bean's reference is its client proxy: taken once, it still reaches the current instance
            Object instance = beans.select(type, Any.Literal.INSTANCE).get();
            all.addAll(SubscriberModel.define(type, instance, codecs, config, model.processService()));
        }
        Broker b = beans.select(Broker.class).get();
        subscriptions = BrokerSubscriptions.subscribe(b, all, beans.select(Telemetry.class).get());
        broker = b;
    }

    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) Shutdown shutdown) {
        boolean fire = announced;
        announced = false;
        String address = server == null ? "" : server.address();
        if (state == State.STARTED || state == State.STARTING) {
            state = State.STOPPING;
        }
        if (fire) {
            fireWhileStopping(new BeforeStop(address, serviceNames));
        }
        undo();
        if (fire) {
            fireWhileStopping(new AfterStop(address, serviceNames));
        }
    }

    /** Fires a stop event; an observer's exception is logged and the stop carries on, as Go Micro's does. */
    private void fireWhileStopping(Object event) {
        try {
            events.fire(event);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "an observer of " + event.getClass().getSimpleName()
                    + " failed; stopping anyway: " + observed(e), observed(e));
        }
    }

    /** Unsubscribes, stops the server (deregister, drain, close), disconnects the broker: each once. */
    private void undo() {
        state = State.STOPPING;
        BrokerSubscriptions subs = subscriptions;
        if (subs != null) {
            subscriptions = null;
            subs.unsubscribe();
        }
        Server s = server;
        if (s != null) {
            s.stop();
        }
        Broker b = broker;
        if (b != null) {
            // waits for the deliveries still in subscribers (up to micro.broker.publish-timeout), so that no subscriber
            // bean is destroyed under a running handler; RPC handlers drained above could still publish until here
            broker = null;
            b.disconnect();
        }
        state = State.STOPPED;
    }

    /** Where the start and stop are. */
    public State state() {
        return state;
    }

    /**
     * The broker the subscribers are subscribed through while they are, or {@code null} (no subscriber, or stopped).
     */
    public Broker broker() {
        return broker;
    }

    /** The running server, or {@code null} when this process serves nothing. */
    public Server server() {
        return server;
    }

    /** The live subscriptions of the {@code @Subscribe} methods, in discovery order; empty when there are none. */
    public List<Subscription> subscriptions() {
        BrokerSubscriptions subs = subscriptions;
        return subs == null ? List.of() : subs.subscriptions();
    }
}
