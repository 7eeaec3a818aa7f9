package io.microcdi.registry.gossip;

import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryEvent;
import io.microcdi.registry.RegistryEvent.Action;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Service;
import io.microcdi.registry.Watcher;
import io.scalecube.cluster.Cluster;
import io.scalecube.cluster.ClusterConfig;
import io.scalecube.cluster.ClusterImpl;
import io.scalecube.cluster.ClusterMessageHandler;
import io.scalecube.cluster.Member;
import io.scalecube.cluster.membership.MembershipEvent;
import io.scalecube.cluster.metadata.MetadataCodec;
import io.scalecube.net.Address;

import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Service discovery with no registry server: each process is one member of a SWIM cluster (scalecube-cluster) and
 * carries the nodes it registered in its member metadata.
 *
 * <pre>{@code
 * Registry registry = new GossipRegistry(GossipRegistryConfig.from(MicroConfig.of(Map.of(
 *         "micro.registry.gossip.bind", "10.0.0.7",
 *         "micro.registry.gossip.seeds", "10.0.0.5:7946"))));
 * registry.register(service, Duration.ofSeconds(60));   // visible in the whole cluster within a few gossip rounds
 * }</pre>
 *
 * <ul>
 *   <li>The view is this process's own nodes plus every live member's. A member's metadata is a JSON list of its
 *       nodes ({@link MemberNodes}); publishing a new version raises the member's incarnation, which the cluster
 *       gossips, and each member fetches the new version from its owner. A new member gets the membership table from
 *       a seed and fetches every member's metadata, so it learns the whole view from any one seed.</li>
 *   <li>Registration TTLs are kept by the owner: a node not registered again within its TTL is withdrawn, and the
 *       withdrawal spreads like a registration. A member that leaves ({@link #close()}) is dropped with all its nodes
 *       as soon as its leave is gossiped; one that dies is suspected by the failure detector and removed with its
 *       nodes after the suspicion timeout ({@link GossipRegistryConfig#removalTime(int)}).</li>
 *   <li>Watchers see every change of this instance's view, in order: a node appearing (create), changing (update) or
 *       going (delete). Changes one member makes faster than it publishes (at most once per gossip interval) reach
 *       the others as their sum.</li>
 *   <li>The nodes of one process take at most {@code micro.registry.gossip.max-metadata-size} bytes of metadata; a
 *       registration beyond that fails at once with {@link IllegalArgumentException}, nothing is cut.</li>
 * </ul>
 */
public final class GossipRegistry implements Registry {

    /** The plugin name, {@code micro.registry=gossip}. */
    public static final String NAME = "gossip";

    private static final System.Logger LOG = System.getLogger(GossipRegistry.class.getName());
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** The owner of this process's nodes in {@link #view}; member ids are UUIDs, never empty. */
    private static final String LOCAL = "";
    /** Room in a transport frame beyond the metadata: the member, the message headers, Java serialization. */
    private static final int FRAME_HEADROOM = 64 << 10;
    private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PUBLISH_RETRY = Duration.ofSeconds(1);

    /** The metadata object is the payload's bytes: {@link MemberNodes} encodes and decodes them. */
    private static final MetadataCodec BYTES = new MetadataCodec() {
        @Override
        public Object deserialize(ByteBuffer buffer) {
            ByteBuffer b = buffer.duplicate();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return bytes;
        }

        @Override
        public ByteBuffer serialize(Object metadata) {
            return ByteBuffer.wrap((byte[]) metadata);
        }
    };

    private final GossipRegistryConfig config;
    private final MemberTransport transport;
    private final ScheduledThreadPoolExecutor timer;
    private final Cluster cluster;
    private final String memberAddress;

    private final Object lock = new Object();
    /** Owner ({@link #LOCAL} or a member id) to node to the service carrying that node; guarded by lock. */
    private final Map<String, Map<NodeKey, Service>> view = new HashMap<>();
    /** The sequence number of each member's metadata last applied; guarded by lock. */
    private final Map<String, Long> applied = new HashMap<>();
    /** What this process registered, in order; guarded by lock. */
    private final LinkedHashMap<NodeKey, Registered> registered = new LinkedHashMap<>();
    /** The encoded entries of {@link #registered}, in bytes; guarded by lock. */
    private long registeredBytes;
    /** The last publication's sequence number; guarded by lock. */
    private long seq;
    private final AtomicBoolean publishQueued = new AtomicBoolean();
    private volatile long lastPublished;
    private final Set<GossipWatcher> watchers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** One node of one service: a service may run the same node id under two versions only as one node. */
    record NodeKey(String service, String node) {
    }

    /** A node this process registered: what it publishes, and when it expires. Guarded by the registry's lock. */
    private static final class Registered {
        final Service service;
        final byte[] entry;
        long deadline;
        ScheduledFuture<?> expiry;

        Registered(Service service, byte[] entry) {
            this.service = service;
            this.entry = entry;
        }
    }

    /**
     * Starts a member on {@code config}'s address and joins the seeds; returns once the seeds answered (with their
     * view) or did not answer in time. A member whose seeds are all unreachable starts alone and keeps asking them.
     *
     * @throws io.microcdi.config.ConfigException when the port is taken
     * @throws RegistryException when the member cannot start
     */
    public GossipRegistry(GossipRegistryConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        int n = INSTANCES.incrementAndGet();
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "microcdi-gossip-" + n);
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true); // a heart-beaten node reschedules its expiry on every beat
        this.lastPublished = System.nanoTime() - config.gossipInterval().toNanos();
        this.transport = new MemberTransport(config.bind(),
                config.secret() == null ? null : new TrafficCipher(config.secret()));
        List<Address> seeds = config.seeds().stream().map(s -> Address.create(s.getHostString(), s.getPort()))
                .toList();
        ClusterConfig cc = ClusterConfig.defaultLanConfig()
                .metadata(MemberNodes.encode(0, List.of()))
                .metadataCodec(BYTES)
                .externalHost(config.advertiseHost())
                .externalPort(config.advertisePort() == 0 ? null : config.advertisePort())
                .transport(t -> t.port(config.port())
                        .transportFactory(transport)
                        .messageCodec(new FilteredMessageCodec())
                        .maxFrameLength(config.maxMetadataSize() + FRAME_HEADROOM))
                .gossip(g -> g.gossipInterval(config.gossipInterval().toMillis()))
                .failureDetector(f -> f.pingInterval(millis(config.pingInterval()))
                        .pingTimeout(millis(config.pingTimeout())))
                .membership(m -> m.seedMembers(seeds)
                        .suspicionMult(config.suspicionMultiplier())
                        .syncInterval(millis(config.syncInterval())));
        Cluster started;
        try {
            started = new ClusterImpl(cc).handler(c -> new Events()).start().block(START_TIMEOUT);
        } catch (RuntimeException e) {
            timer.shutdownNow();
            throw startFailure(e);
        }
        this.cluster = Objects.requireNonNull(started, "cluster");
        Address a = cluster.address();
        this.memberAddress = a.host() + ":" + a.port();
        LOG.log(Level.INFO, "gossip: member {0} started (id {1}; seeds {2}; secret {3}); {4} other members known",
                memberAddress, cluster.member().id(), config.seeds().isEmpty() ? "none" : config.seedList(),
                config.secret() != null ? "set" : "none",
                cluster.otherMembers().size());
    }

    /** A registry from {@code micro.registry.gossip.*}. */
    public static GossipRegistry of(MicroConfig config) {
        return new GossipRegistry(GossipRegistryConfig.from(config));
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The settings this registry runs with. */
    public GossipRegistryConfig config() {
        return config;
    }

    /** {@code host:port} the other members reach this one at: what they name as a seed. */
    public String memberAddress() {
        return memberAddress;
    }

    /** {@link #memberAddress()} as a socket address, for another member's seeds. */
    public InetSocketAddress seedAddress() {
        Address a = cluster.address();
        return InetSocketAddress.createUnresolved(a.host(), a.port());
    }

    /** The addresses of the other members this one knows, sorted. */
    public Set<String> otherMembers() {
        Set<String> out = new TreeSet<>();
        for (Member m : cluster.otherMembers()) {
            out.add(m.address().host() + ":" + m.address().port());
        }
        return out;
    }

    /** Frames from other members that did not open with this member's secret: a test reads it. */
    long rejectedFrames() {
        return transport.rejectedFrames();
    }

    /**
     * Dies without leaving, for the fault tests: the member stops answering and sending at once, as a SIGKILLed
     * process does, so the others must find it dead. {@link #close()} still releases what is left.
     */
    void halt() {
        transport.sever();
        timer.shutdownNow();
    }

    // ---- register ----

    @Override
    public void register(Service service, Duration ttl) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: >= 0, 0 for a node that never expires)");
        }
        if (service.nodes().isEmpty()) {
            throw new IllegalArgumentException("register " + service.name() + ": no nodes (expected: at least one)");
        }
        checkOpen();
        Map<NodeKey, Service> nodes = new LinkedHashMap<>();
        for (Node node : service.nodes()) {
            nodes.put(new NodeKey(service.name(), node.id()), service.withNodes(List.of(node)));
        }
        Map<NodeKey, byte[]> entries = new LinkedHashMap<>();
        nodes.forEach((key, one) -> entries.put(key, MemberNodes.entry(one)));
        long ttlNanos = ttl.toNanos();
        boolean changed = false;
        synchronized (lock) {
            checkOpen();
            checkSize(service, entries);
            long now = System.nanoTime();
            for (Map.Entry<NodeKey, byte[]> e : entries.entrySet()) {
                NodeKey key = e.getKey();
                Registered r = registered.get(key);
                if (r == null || !Arrays.equals(r.entry, e.getValue())) {
                    Registered fresh = new Registered(nodes.get(key), e.getValue());
                    if (r != null) {
                        cancelExpiry(r);
                        registeredBytes -= r.entry.length;
                    }
                    registered.put(key, fresh);
                    registeredBytes += fresh.entry.length;
                    putLocal(key, fresh.service);
                    r = fresh;
                    changed = true;
                }
                cancelExpiry(r);
                if (ttlNanos > 0) {
                    r.deadline = now + ttlNanos;
                    Registered expiring = r;
                    r.expiry = timer.schedule(() -> expire(key, expiring), ttlNanos, TimeUnit.NANOSECONDS);
                }
            }
        }
        if (changed) {
            publish();
        }
    }

    /** Fails when this process's nodes, with {@code entries} replacing or joining them, exceed the metadata limit. */
    private void checkSize(Service service, Map<NodeKey, byte[]> entries) {
        long bytes = registeredBytes;
        int count = registered.size();
        long own = 0;
        for (Map.Entry<NodeKey, byte[]> e : entries.entrySet()) {
            Registered old = registered.get(e.getKey());
            if (old != null) {
                bytes -= old.entry.length;
                count--;
            }
            bytes += e.getValue().length;
            own += e.getValue().length;
            count++;
        }
        long size = MemberNodes.size(bytes, count);
        if (size > config.maxMetadataSize()) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "register %s: its %d node(s) take %d bytes of gossip member metadata (%d endpoints, %d metadata "
                            + "entries per node), and with this process's other nodes %d bytes, over %s=%d (expected: "
                            + "fewer or smaller endpoints or metadata, or a larger %s); nothing was registered",
                    service.name(), entries.size(), own, service.endpoints().size(),
                    service.nodes().get(0).metadata().size(), size, GossipRegistryConfig.MAX_METADATA_SIZE,
                    config.maxMetadataSize(), GossipRegistryConfig.MAX_METADATA_SIZE));
        }
    }

    private void expire(NodeKey key, Registered r) {
        synchronized (lock) {
            if (closed || registered.get(key) != r || System.nanoTime() - r.deadline < 0) {
                return; // registered again meanwhile
            }
            registered.remove(key);
            registeredBytes -= r.entry.length;
            removeLocal(key);
        }
        LOG.log(Level.DEBUG, "gossip: {0} of {1} expired (not registered again within its TTL)", key.node(),
                key.service());
        publish();
    }

    @Override
    public void deregister(Service service) {
        Objects.requireNonNull(service, "service");
        checkOpen();
        boolean changed = false;
        synchronized (lock) {
            for (Node node : service.nodes()) {
                NodeKey key = new NodeKey(service.name(), node.id());
                Registered r = registered.remove(key);
                if (r != null) {
                    cancelExpiry(r);
                    registeredBytes -= r.entry.length;
                    removeLocal(key);
                    changed = true;
                }
            }
        }
        if (changed) {
            publish();
        }
    }

    private static void cancelExpiry(Registered r) {
        if (r.expiry != null) {
            r.expiry.cancel(false);
            r.expiry = null;
        }
    }

    // ---- publish: at most once per gossip interval, the latest state ----

    /** Publishes this process's nodes soon: other members only hear of a change at their next gossip round anyway. */
    private void publish() {
        if (closed || !publishQueued.compareAndSet(false, true)) {
            return; // a publication is queued: it will carry this change too
        }
        long wait = lastPublished + config.gossipInterval().toNanos() - System.nanoTime();
        try {
            timer.schedule(this::doPublish, Math.max(0, wait), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            publishQueued.set(false);
        }
    }

    private void doPublish() {
        publishQueued.set(false); // a change from now on queues the next publication
        byte[] payload;
        synchronized (lock) {
            if (closed) {
                return;
            }
            List<byte[]> entries = new ArrayList<>(registered.size());
            registered.values().forEach(r -> entries.add(r.entry));
            payload = MemberNodes.encode(++seq, entries);
        }
        lastPublished = System.nanoTime();
        // completes once the new incarnation most likely reached every member: nobody waits for that
        cluster.updateMetadata(payload).subscribe(null, e -> {
            if (!closed) {
                LOG.log(Level.WARNING, "gossip: publishing this member''s nodes failed ({0}); trying again",
                        e.toString());
                try {
                    timer.schedule(this::publish, PUBLISH_RETRY.toMillis(), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException closing) {
                    // closed meanwhile
                }
            }
        });
    }

    // ---- the view ----

    private void putLocal(NodeKey key, Service s) {
        Service before = view.computeIfAbsent(LOCAL, o -> new LinkedHashMap<>()).put(key, s);
        if (before == null) {
            emit(Action.CREATE, s);
        } else if (!before.equals(s)) {
            emit(Action.UPDATE, s);
        }
    }

    private void removeLocal(NodeKey key) {
        Map<NodeKey, Service> mine = view.get(LOCAL);
        Service before = mine == null ? null : mine.remove(key);
        if (before != null) {
            emit(Action.DELETE, before);
        }
    }

    /** Replaces what {@code owner} carries with {@code next}, emitting the difference; under the lock. */
    private void replace(String owner, Map<NodeKey, Service> next) {
        Map<NodeKey, Service> before = view.getOrDefault(owner, Map.of());
        next.forEach((key, s) -> {
            Service old = before.get(key);
            if (old == null) {
                emit(Action.CREATE, s);
            } else if (!old.equals(s)) {
                emit(Action.UPDATE, s);
            }
        });
        before.forEach((key, s) -> {
            if (!next.containsKey(key)) {
                emit(Action.DELETE, s);
            }
        });
        if (next.isEmpty()) {
            view.remove(owner);
        } else {
            view.put(owner, next);
        }
    }

    private void emit(Action action, Service s) {
        RegistryEvent e = new RegistryEvent(action, s);
        for (GossipWatcher w : watchers) {
            w.offer(e);
        }
    }

    /** Applies a member's metadata, unless an newer version of it was applied already. */
    private void applyMember(Member member, ByteBuffer metadata) {
        if (metadata == null) {
            return; // a member seen only as leaving: it carries nothing
        }
        MemberNodes.Decoded decoded;
        try {
            decoded = MemberNodes.decode(metadata);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "gossip: ignoring the metadata of member {0}: {1}", member.address(),
                    e.getMessage());
            return;
        }
        Map<NodeKey, Service> next = new LinkedHashMap<>();
        for (Service s : decoded.nodes()) {
            next.put(new NodeKey(s.name(), s.nodes().get(0).id()), s);
        }
        synchronized (lock) {
            if (closed) {
                return;
            }
            Long last = applied.get(member.id());
            if (last != null && decoded.seq() <= last) {
                return; // an older version, fetched late
            }
            applied.put(member.id(), decoded.seq());
            replace(member.id(), next);
        }
    }

    private void dropMember(Member member, String why) {
        int dropped;
        synchronized (lock) {
            if (closed) {
                return;
            }
            applied.remove(member.id());
            dropped = view.getOrDefault(member.id(), Map.of()).size();
            replace(member.id(), Map.of());
        }
        LOG.log(Level.INFO, "gossip: member {0} {1}; {2} node(s) dropped", member.address(), why, dropped);
    }

    /** scalecube's callbacks, on its cluster thread: they decode and apply, never block. */
    private final class Events implements ClusterMessageHandler {

        @Override
        public void onMembershipEvent(MembershipEvent event) {
            switch (event.type()) {
                case ADDED, UPDATED -> applyMember(event.member(), event.newMetadata());
                case LEAVING -> dropMember(event.member(), "is leaving");
                case REMOVED -> dropMember(event.member(), "removed");
                default -> LOG.log(Level.DEBUG, "gossip: ignoring {0}", event);
            }
        }
    }

    // ---- look up ----

    @Override
    public List<Service> getService(String name) {
        Objects.requireNonNull(name, "name");
        checkOpen();
        Map<String, Service> versions = new LinkedHashMap<>();
        Map<String, List<Node>> nodes = new LinkedHashMap<>();
        synchronized (lock) {
            for (Map<NodeKey, Service> owned : view.values()) {
                for (Service s : owned.values()) {
                    if (s.name().equals(name)) {
                        versions.putIfAbsent(s.version(), s);
                        nodes.computeIfAbsent(s.version(), v -> new ArrayList<>()).addAll(s.nodes());
                    }
                }
            }
        }
        List<Service> out = new ArrayList<>(versions.size());
        versions.forEach((version, s) -> out.add(s.withNodes(nodes.get(version))));
        return out;
    }

    @Override
    public List<Service> listServices() {
        checkOpen();
        Set<List<String>> seen = new LinkedHashSet<>();
        synchronized (lock) {
            for (Map<NodeKey, Service> owned : view.values()) {
                for (Service s : owned.values()) {
                    seen.add(List.of(s.name(), s.version()));
                }
            }
        }
        List<Service> out = new ArrayList<>(seen.size());
        for (List<String> nv : seen) {
            out.add(new Service(nv.get(0), nv.get(1), Map.of(), List.of(), List.of()));
        }
        return out;
    }

    // ---- watch ----

    @Override
    public Watcher watch(String name) {
        checkOpen();
        GossipWatcher w = new GossipWatcher(this, name);
        watchers.add(w);
        if (closed) {
            w.stop();
        }
        return w;
    }

    void forget(GossipWatcher w) {
        watchers.remove(w);
    }

    // ---- lifecycle ----

    /**
     * Stops the watchers, withdraws this process's nodes and leaves the cluster: the leave is gossiped, and every
     * member drops this one's nodes as soon as it hears it. Waits (at most 10 s) for the leave to spread.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        new ArrayList<>(watchers).forEach(GossipWatcher::stop);
        synchronized (lock) {
            registered.values().forEach(GossipRegistry::cancelExpiry);
            registered.clear();
            view.clear();
        }
        long t0 = System.nanoTime();
        cluster.shutdown();
        try {
            cluster.onShutdown().block(LEAVE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "gossip: member {0} did not finish leaving within {1} ms ({2})", memberAddress,
                    LEAVE_TIMEOUT.toMillis(), e.toString());
        } finally {
            timer.shutdownNow();
        }
        LOG.log(Level.INFO, "gossip: member {0} left the cluster in {1} ms", memberAddress,
                (System.nanoTime() - t0) / 1_000_000);
    }

    private void checkOpen() {
        if (closed) {
            throw new RegistryException("gossip registry closed");
        }
    }

    private RuntimeException startFailure(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // reactor-netty reports a taken port as its ChannelBindException, with or without a BindException inside
            if (t instanceof BindException || t instanceof reactor.netty.ChannelBindException) {
                return MicroConfig.invalid(GossipRegistryConfig.PORT, Integer.toString(config.port()),
                        "a port free on " + config.bind().getHostAddress() + ", or 0 for any (" + t.getMessage()
                                + ")");
            }
        }
        return new RegistryException("gossip: cannot start a member on " + config.bind().getHostAddress() + ":"
                + config.port() + ": " + e.getMessage(), e);
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    @Override
    public String toString() {
        return "gossip registry, member " + memberAddress;
    }
}
