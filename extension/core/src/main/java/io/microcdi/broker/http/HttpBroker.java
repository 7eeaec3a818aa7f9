package io.microcdi.broker.http;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.broker.Subscription;
import io.microcdi.config.ConfigException;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.config.Addresses;
import io.microcdi.broker.delivery.Publication;
import io.microcdi.internal.exec.HandlerExecutors;
import io.microcdi.registry.Heartbeat;
import io.microcdi.internal.transport.PathTransport;
import io.microcdi.metadata.Metadata;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.microcdi.selector.cache.GroupSelector;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import io.microcdi.transport.Transport;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * The default broker ({@code http}): Go Micro's HTTP broker, with no broker server. Each subscription is a node in the
 * registry, and a publisher {@code POST}s each message to {@code /_sub} on the subscribers it looks up there.
 *
 * <pre>{@code
 * Broker broker = new HttpBroker(HttpBrokerConfig.from(config), registry, transport);
 * broker.connect();                                              // listens on micro.broker.http.address
 * broker.subscribe("orders", event -> ship(event.message()), SubscribeOptions.queue("shipping"));
 * broker.publish("orders", new BrokerMessage(Metadata.of("Content-Type", "application/json"), body)).join();
 * }</pre>
 *
 * <p>Wire form (Go Micro's Era B, v1.10 to v1.13, whose publishers and subscribers it interoperates with):
 * <ul>
 *   <li>a subscription registers service {@code topic:<topic>}, version = the queue name or {@code ff.http.broadcast},
 *       one node {@code broker-<uuid>} at this broker's own listener (not the RPC server's) with metadata
 *       {@code broker=http}, {@code topic=<topic>}, {@code secure=false}; TTL {@code micro.register.ttl}, re-registered
 *       every {@code micro.register.interval} (10% jitter), deregistered on unsubscribe and disconnect;</li>
 *   <li>a delivery is {@code POST /_sub?id=<node id>}, {@code Content-Type: application/json}, body
 *       {@code {"Header":{...,":topic":"<topic>"},"Body":"<base64>"}};</li>
 *   <li>a publish looks the subscribers up through a registry cache and groups them by version: every node of the
 *       broadcast version gets the message, each queue version one random node.</li>
 * </ul>
 *
 * <p>Better than Go Micro's, which fires and forgets: a failed delivery (no connection, an answer other than 2xx, a
 * timeout) is retried on another member of the queue group (a broadcast subscriber: on itself), and so is a
 * subscriber's error unless {@code micro.broker.retry-handler-errors=false}; {@link #publish} completes only once
 * every group accepted the message, and fails with a {@link MicroException} naming the topic, the group and the last
 * error after {@code micro.broker.retries} more attempts or {@code micro.broker.publish-timeout}. Deliveries to the
 * groups go out in parallel, as async sends on the transport's pooled connections. A topic without subscribers is no
 * error: the publish completes at once and the message is gone (nothing is stored for later subscribers). Messages
 * carry no order: retries and parallel deliveries may reorder them. With Go Micro peers, whose subscribers answer
 * {@code 200} whatever their handler did, a handler's error cannot be retried: only failed deliveries are.
 *
 * <p>Subscribers run on this broker's workers (virtual threads, or {@code micro.broker.handler-threads}), never on an
 * I/O thread; the delivery is answered once the subscriber returned (or acknowledged, without auto-ack). The
 * {@code Transport} must be the {@code http} or {@code memory} one: they post to paths and answer with statuses.
 */
public final class HttpBroker implements Broker {

    /** The plugin name. */
    public static final String NAME = "http";
    /** The version under which broadcast subscriptions register, as Go Micro's. */
    public static final String BROADCAST_VERSION = "ff.http.broadcast";
    /** Prefix of the registry service of a topic: {@code topic:orders}. */
    public static final String SERVICE_PREFIX = "topic:";

    private static final System.Logger LOG = System.getLogger(HttpBroker.class.getName());
    private static final Metadata JSON = Metadata.of("Content-Type", "application/json");

    private final HttpBrokerConfig config;
    private final Registry registry;
    private final Transport transport;
    private final ConcurrentHashMap<String, HttpSubscription> subscriptions = new ConcurrentHashMap<>();

    /** What runs while connected; {@code null} otherwise. */
    private volatile Running running;

    /** What {@link #connect()} starts and {@link #disconnect()} stops. */
    private record Running(GroupDelivery.Sender sender, Listener listener, String advertise,
                           ExecutorService workers, Heartbeat heartbeat, GroupSelector selector,
                           HandlerExecutors.Lease executors) {
    }

    /** A broker registering in {@code registry} and delivering over {@code transport}; {@link #connect} starts it. */
    public HttpBroker(HttpBrokerConfig config, Registry registry, Transport transport) {
        this.config = Objects.requireNonNull(config, "config");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.transport = Objects.requireNonNull(transport, "transport");
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The address the subscriptions register, or {@code ""} while not connected. */
    @Override
    public String address() {
        Running r = running;
        return r == null ? "" : r.advertise();
    }

    /**
     * Listens on {@code micro.broker.http.address}; publishing and subscribing need it. Connecting a connected broker does
     * nothing.
     *
     * @throws ConfigException when the transport cannot carry the broker's deliveries
     * @throws io.microcdi.transport.TransportException when the address cannot be bound
     */
    @Override
    public synchronized void connect() {
        if (running != null) {
            return;
        }
        if (!(transport instanceof PathTransport poster)) {
            throw new ConfigException("micro.broker=http needs micro.transport=http or memory (got "
                    + transport.name() + ", which cannot post to /_sub)");
        }
        ExecutorService workers = HandlerExecutors.create("broker", config.delivery().handlerThreads(),
                config.delivery().virtualThreads());
        Listener listener = null;
        // the shared pools: publish continuations and their timeouts
        HandlerExecutors.Lease executors = HandlerExecutors.lease();
        try {
            listener = transport.listen(config.address(), new SubEndpoint(subscriptions, workers));
            String bound = listener.address();
            String advertise = config.advertise().orElseGet(() -> Addresses.advertisable(bound));
            GroupSelector selector = new GroupSelector(registry, config.cacheTtl(), config.ejection());
            GroupDelivery.Sender sender = new GroupDelivery.Sender(poster, config.delivery(), new GoneLog());
            Running r = new Running(sender, listener, advertise, workers,
                    Heartbeat.start("microcdi-broker-register", config.registerInterval(), this::reregister), selector,
                    executors);
            running = r;
        } catch (RuntimeException | Error e) {
            if (listener != null) {
                listener.close();
            }
            workers.shutdown();
            executors.close();
            throw e;
        }
        LOG.log(Level.INFO, "http broker listening on {0} (registry {1}, transport {2})", running.advertise(),
                registry.name(), transport.name());
    }

    /** Whether it listens: between {@link #connect()} and {@link #disconnect()}. */
    @Override
    public boolean connected() {
        return running != null;
    }

    /**
     * Deregisters every subscription, then stops accepting deliveries and waits (up to the publish timeout) for those
     * in progress to be answered. Publishes in flight go on to their end. Disconnecting a disconnected broker does
     * nothing.
     */
    @Override
    public void disconnect() {
        Running r;
        synchronized (this) {
            r = running;
            running = null;
        }
        if (r == null) {
            return;
        }
        // a heartbeat already inside register() must finish before we deregister, or it re-registers us
        r.heartbeat().stop(config.delivery().publishTimeout());
        for (HttpSubscription s : subscriptions.values()) {
            deregister(s);
        }
        // a publisher whose cache still lists us is refused from now on, and retries on another member
        r.listener().stopAccepting();
        if (!r.listener().awaitConnectionsClosed(config.delivery().publishTimeout())) {
            LOG.log(Level.WARNING, "disconnecting with deliveries still unanswered after {0}",
                    config.delivery().publishTimeout());
        }
        r.listener().close();
        subscriptions.clear();
        r.workers().shutdown();
        r.selector().close();
        r.executors().close();
    }

    @Override
    public CompletableFuture<Void> publish(String topic, BrokerMessage message) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(message, "message");
        Running r = running;
        if (r == null) {
            return CompletableFuture.failedFuture(notConnected("publish to " + topic));
        }
        long deadline = System.nanoTime() + config.delivery().publishTimeout().toNanos();
        List<GroupSelector.Group> groups;
        try {
            groups = r.selector().groups(SERVICE_PREFIX + topic);
        } catch (MicroException e) {
            return CompletableFuture.failedFuture(Publication.failure(503, topic, "subscribers",
                    "registry " + registry.name() + " unreachable: " + e.detail(), e));
        }
        if (groups.isEmpty()) {
            return CompletableFuture.completedFuture(null); // nobody subscribes: nothing to deliver
        }
        int targets = 0;
        for (GroupSelector.Group g : groups) {
            targets += g.version().equals(BROADCAST_VERSION) ? g.nodes().size() : 1;
        }
        Message body = new Message(JSON, SubMessage.encode(topic, message)); // once, for every delivery
        Publication publication = new Publication(topic, targets);
        for (GroupSelector.Group g : groups) {
            if (g.version().equals(BROADCAST_VERSION)) {
                for (Node node : g.nodes()) {
                    GroupDelivery.toSubscriber(publication, body, deadline, node, r.sender()).attempt();
                }
            } else {
                GroupDelivery.toGroup(publication, body, deadline, g, r.sender()).attempt();
            }
        }
        return publication.future();
    }

    /**
     * Registers a subscription of {@code handler} to {@code topic}; deliveries may arrive as soon as the registry has
     * it, and reach a publisher once its registry cache sees it (at once for a publisher that had no subscriber of the
     * topic cached, else with the registry's watch).
     *
     * @throws MicroException 503 when the broker is not connected
     * @throws io.microcdi.registry.RegistryException when the registry cannot be reached
     */
    @Override
    public Subscription subscribe(String topic, Handler handler, SubscribeOptions options) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(options, "options");
        Running r = running;
        if (r == null) {
            throw notConnected("subscribe to " + topic);
        }
        Node node = new Node("broker-" + UUID.randomUUID(), r.advertise(),
                Map.of("broker", NAME, "topic", topic, "secure", "false"));
        Service registration = new Service(SERVICE_PREFIX + topic,
                options.queue().isEmpty() ? BROADCAST_VERSION : options.queue(), Map.of(), List.of(), List.of(node));
        HttpSubscription s = new HttpSubscription(this, topic, options.queue(), handler, options.autoAck(),
                registration);
        // known before it is registered, so that a delivery arriving right after registering finds it
        subscriptions.put(s.id(), s);
        try {
            s.refresh(registry, config.registerTtl());
        } catch (RuntimeException e) {
            subscriptions.remove(s.id());
            throw e;
        }
        if (running != r) {
            // disconnected meanwhile, maybe before it saw this subscription: withdraw it here
            unsubscribe(s);
            throw notConnected("subscribe to " + topic);
        }
        LOG.log(Level.DEBUG, "subscribed {0}", s);
        return s;
    }

    /** Deregisters {@code s}, then forgets it: deliveries still on their way to it are answered 404. */
    void unsubscribe(HttpSubscription s) {
        deregister(s);
        subscriptions.remove(s.id(), s);
    }

    private void deregister(HttpSubscription s) {
        try {
            s.deregister(registry);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "deregistering " + s + " failed: " + e.getMessage(), e);
        }
    }

    private void reregister() {
        for (HttpSubscription s : subscriptions.values()) {
            try {
                s.refresh(registry, config.registerTtl()); // a no-op once unsubscribed
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "re-registering " + s + " failed: " + e.getMessage(), e);
            }
        }
    }

    /** The subscriptions being served (tests, diagnostics). */
    List<Subscription> subscriptions() {
        return List.copyOf(subscriptions.values());
    }

    private static MicroException notConnected(String what) {
        return new MicroException(Publication.ID, 503, what + ": the http broker is not connected",
                MicroException.statusText(503));
    }

    @Override
    public String toString() {
        Running r = running;
        return "http broker" + (r == null ? " (not connected)" : " on " + r.advertise()) + " ("
                + subscriptions.size() + " subscriptions)";
    }
}
