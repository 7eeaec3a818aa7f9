package io.microcdi.registry.mdns;

import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Service;
import io.microcdi.registry.Watcher;
import io.microcdi.registry.memory.MemoryRegistry;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * The default registry: standard DNS-SD over multicast DNS (jmdns), with TTLs and heartbeats so that a killed process
 * drops out of every other process's view.
 *
 * <pre>{@code
 * try (Registry registry = new MdnsRegistry(MdnsRegistryConfig.from(config))) {   // loopback unless configured
 *     registry.register(service, Duration.ofSeconds(60));                        // and again every 30 s
 *     List<Service> versions = registry.getService("greeter");                   // a map lookup, no network I/O
 * }
 * }</pre>
 *
 * <h2>Wire contract</h2>
 * Each node is one DNS-SD service instance of type {@value #SERVICE_TYPE}, so any mDNS browser lists it
 * ({@code avahi-browse -r _micro._tcp}):
 * <ul>
 *   <li>instance name: the node id ({@code <service>-<uuid>}); dots become dashes (jmdns would write them as label
 *       breaks) and a name longer than one 63-byte label loses its first characters. The exact id is in {@code id}.</li>
 *   <li>SRV: port = the node's port; target = this registry's mDNS host name, whose A record is the address mDNS is
 *       bound to. The node's exact address is {@code addr}.</li>
 *   <li>TXT, {@code key=value} strings of at most 255 bytes each, at most 1300 bytes in all, in this order:
 *     <ul>
 *       <li>{@code txtvers=1}: the layout version; a record without it is ignored</li>
 *       <li>{@code id=<node id>}</li>
 *       <li>{@code service=<name>}, {@code version=<version>}</li>
 *       <li>{@code ttl=<seconds>}: a browser drops the node when no heartbeat came for this long; {@code 0}: never
 *           (only its goodbye removes it)</li>
 *       <li>{@code addr=<host:port>}: the node address ({@code [v6]:port} for IPv6)</li>
 *       <li>{@code hb=<n>}: the heartbeat, larger on every re-registration (milliseconds since the epoch, or one more
 *           than the last); each change re-announces the record, which is what tells browsers the node is alive</li>
 *       <li>{@code md.<key>=<value>}: one per node metadata entry ({@code md.protocol=mucp}, {@code md.transport=http},
 *           {@code md.registry=mdns}, ...), sorted by key</li>
 *       <li>{@code ep.0=...}, {@code ep.1=...}: the endpoints as a JSON array of registry endpoints with Go Micro's
 *           field names ({@code name}, {@code request}, {@code response}, {@code metadata}; values {@code name},
 *           {@code type}, {@code values}), ASCII-only, cut into chunks of at most 200 bytes, joined in order when
 *           read. When they do not fit, {@code epz.0=...}, ... carry the same JSON zlib-compressed and base64-encoded;
 *           when even that does not fit, the endpoints are left out (logged), and the node is still published.</li>
 *     </ul>
 *   </li>
 * </ul>
 * Service-level metadata is not carried, as in Go Micro's mDNS registry. Deregistering sends goodbyes (TTL 0), which
 * other registries act on within 100 ms.
 *
 * <h2>Network</h2>
 * jmdns binds to the address of {@code micro.registry.mdns.interface}, loopback ({@code 127.0.0.1}) by default, and
 * multicasts on that interface only. On Linux, multicast between processes on {@code lo} works without the
 * {@code MULTICAST} flag on the interface and without a route for {@code 224.0.0.0/4}.
 *
 * <h2>Timing</h2>
 * Names are probed three times 250 ms apart, then announced at once and again a second later, as RFC 6762 says
 * ({@link RfcTiming}: jmdns on its own waits about four seconds): another registry sees a new node about half a
 * second after {@code register}, under two seconds after the registering JVM started. A heartbeat reaches it within
 * about 1 s, so keep the register interval at most the TTL minus a second (the default 30 s interval and 60 s TTL
 * are fine).
 *
 * <h2>Threads</h2>
 * Browsing starts in the constructor, so the view is warm by the first lookup. One daemon thread polls for goodbyes;
 * the in-memory view expires nodes whose TTL ran out on the JVM-wide registry expiry thread. jmdns calls that block
 * (unregistering, which repeats its goodbyes for two seconds; closing, which does the same) run on a pool of daemon
 * threads; {@link #deregister} and {@link #close} return once the first goodbye has come back over multicast.
 */
public final class MdnsRegistry implements Registry {

    /** The plugin name. */
    public static final String NAME = "mdns";

    /** The DNS-SD service type every node is published under. */
    public static final String SERVICE_TYPE = "_micro._tcp.local.";

    /** How often to look for goodbyes in jmdns's cache. */
    private static final long TICK_MILLIS = 100;

    /** The longest {@link #deregister} and {@link #close} wait to see their goodbyes go out. */
    private static final Duration GOODBYE_WAIT = Duration.ofMillis(500);

    /** Without the cache to watch, a short pause lets jmdns's timer send the first goodbye. */
    private static final Duration GOODBYE_FALLBACK_WAIT = Duration.ofMillis(50);

    /** How long what we learnt about a node that left is kept, to ignore late echoes of its announcements. */
    private static final Duration FORGET_AFTER = Duration.ofHours(1);

    private static final System.Logger LOG = System.getLogger(MdnsRegistry.class.getName());
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final MdnsRegistryConfig config;
    private final JmDNS jmdns;
    private final RecordCache cache;
    /** What this registry knows: its own nodes and every node heard of, with TTL expiry, snapshots and watchers. */
    private final MemoryRegistry view = new MemoryRegistry();
    /** {@link System#nanoTime()} at which the browse has had {@code micro.registry.mdns.timeout} to hear of every node. */
    private final long warmUpEnds;
    private final ScheduledExecutorService timer;
    private final ExecutorService blocking;
    private final ServiceListener listener = new Listener();

    /** Serialises register, deregister and close; never held while the {@link #lock} holder waits on jmdns. */
    private final Object registerLock = new Object();
    /** Guards {@link #seen} together with the view updates it decides. */
    private final Object lock = new Object();
    /** Own nodes by node id. */
    private final Map<String, Own> own = new ConcurrentHashMap<>();
    /** Nodes heard of (own ones included), by lower-case qualified instance name; guarded by {@link #lock}. */
    private final Map<String, Seen> seen = new HashMap<>();
    private final AtomicLong lastHeartbeat = new AtomicLong();
    private volatile boolean closed;

    /** A node this registry published. */
    private record Own(String key, String qualifiedName, ServiceInfo info, int port, String instance,
                       Service advertised, MdnsTxt.EndpointForm form, long heartbeat) {
    }

    /** A node heard of; once {@code gone}, later echoes of heartbeats up to {@code heartbeat} are ignored. */
    private record Seen(String qualifiedName, Service advertised, long heartbeat, boolean gone, long at) {

        Seen leave(long now) {
            return new Seen(qualifiedName, advertised, heartbeat, true, now);
        }
    }

    /**
     * Starts mDNS on the configured interface and begins browsing {@value #SERVICE_TYPE}.
     *
     * @throws RegistryException when mDNS cannot start there
     */
    public MdnsRegistry(MdnsRegistryConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        int n = INSTANCES.incrementAndGet();
        long start = System.nanoTime();
        RfcTiming.install();
        String host = RfcTiming.HOST_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        try {
            this.jmdns = JmDNS.create(config.bindAddress(), host);
        } catch (IOException | RuntimeException e) {
            throw new RegistryException("mdns: cannot start on " + describe(config) + " (set "
                    + MdnsRegistryConfig.INTERFACE_KEY + "): " + e.getMessage(), e);
        }
        LOG.log(DEBUG, () -> "mdns: started " + host + " on " + describe(config) + " in "
                + (System.nanoTime() - start) / 1_000_000 + " ms");
        warnIfNoMulticast(config);
        this.cache = new RecordCache(jmdns);
        this.timer = timer("microcdi-mdns-" + n);
        this.blocking = blockingPool("microcdi-mdns-" + n + "-io");
        jmdns.addServiceListener(SERVICE_TYPE, listener);
        // counted from when the browse starts, not from before JmDNS.create (slow on a busy machine)
        this.warmUpEnds = System.nanoTime() + config.timeout().toNanos();
        timer.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The settings this registry runs with. */
    public MdnsRegistryConfig config() {
        return config;
    }

    /**
     * Publishes (or refreshes) each node of {@code service}. A refresh re-announces the node with a new heartbeat
     * ({@code hb}); a node whose port changed is withdrawn and published again.
     *
     * @throws RegistryException when a node's record cannot be built or jmdns refuses it
     */
    @Override
    public void register(Service service, Duration ttl) {
        MemoryRegistry.checkRegistration(service, ttl);
        long ttlSeconds = ttl.isZero() ? 0 : Math.max(1, (ttl.toMillis() + 999) / 1000);
        synchronized (registerLock) {
            ensureOpen();
            for (Node node : service.nodes()) {
                long heartbeat = lastHeartbeat.updateAndGet(last -> Math.max(last + 1, System.currentTimeMillis()));
                MdnsTxt.Encoded encoded = MdnsTxt.encode(service, node, ttlSeconds, heartbeat);
                Own previous = own.get(node.id());
                ServiceInfo info = publish(previous, encoded, node);
                if (encoded.form() == MdnsTxt.EndpointForm.OMITTED
                        && (previous == null || previous.form() != MdnsTxt.EndpointForm.OMITTED)) {
                    LOG.log(WARNING, "mdns: the endpoints of node {0} do not fit a TXT record of {1} bytes, even "
                            + "compressed; the node is published without them", node.id(), MdnsTxt.MAX_TEXT_BYTES);
                }
                String qualifiedName = info.getQualifiedName();
                Own mine = new Own(key(qualifiedName), qualifiedName, info, encoded.port(), encoded.instance(),
                        encoded.advertised(), encoded.form(), heartbeat);
                own.put(node.id(), mine);
                synchronized (lock) {
                    Seen before = seen.put(mine.key(), new Seen(qualifiedName, mine.advertised(), heartbeat, false,
                            System.nanoTime()));
                    if (before != null && !before.gone() && !sameNode(before.advertised(), mine.advertised())) {
                        view.deregister(before.advertised());
                    }
                    view.register(mine.advertised(), ttl);
                }
            }
        }
    }

    /** Sends goodbyes for the own nodes of {@code service}; other registries drop them at once. */
    @Override
    public void deregister(Service service) {
        Objects.requireNonNull(service, "service");
        List<String> goodbyes = new ArrayList<>();
        synchronized (registerLock) {
            for (Node node : service.nodes()) {
                Own mine = own.remove(node.id());
                if (mine == null) {
                    continue; // another process's node: not ours to withdraw
                }
                forget(mine);
                goodbyes.add(mine.qualifiedName());
                // jmdns sends the goodbye at once, then blocks two seconds while it repeats it
                runBlocking(() -> jmdns.unregisterService(mine.info()));
            }
        }
        awaitGoodbyes(goodbyes);
    }

    /**
     * The versions of {@code name} with their live nodes, from the in-memory view. While this registry is younger than
     * {@code micro.registry.mdns.timeout} and knows no node of {@code name}, waits for the first one until that age: the
     * browse has not heard everything yet. Later the view is complete, and a lookup never waits (a service that is
     * down must not slow every call to it).
     */
    @Override
    public List<Service> getService(String name) {
        long warmUpLeft = closed ? 0 : warmUpEnds - System.nanoTime();
        return view.getService(name, warmUpLeft > 0 ? Duration.ofNanos(warmUpLeft) : Duration.ZERO);
    }

    @Override
    public List<Service> listServices() {
        return view.listServices();
    }

    @Override
    public Watcher watch(String name) {
        ensureOpen();
        return view.watch(name);
    }

    /** Withdraws the own nodes (their goodbyes are on the wire when this returns), stops watchers, closes jmdns. */
    @Override
    public void close() {
        synchronized (registerLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long start = System.nanoTime();
        timer.shutdownNow();
        jmdns.removeServiceListener(SERVICE_TYPE, listener);
        view.close();
        List<String> goodbyes = new ArrayList<>();
        for (Own mine : own.values()) {
            goodbyes.add(mine.qualifiedName());
            // Not left to jmdns.close(): its goodbyes went out about a second late when measured.
            runBlocking(() -> jmdns.unregisterService(mine.info()));
        }
        own.clear();
        awaitGoodbyes(goodbyes);
        // jmdns.close() waits about two seconds for its goodbyes to repeat: nobody needs to wait for that.
        runBlocking(this::closeJmdns);
        blocking.shutdown();
        LOG.log(DEBUG, () -> "mdns: closed in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    @Override
    public String toString() {
        return "MdnsRegistry[" + describe(config) + ", " + own.size() + " own nodes]";
    }

    private ServiceInfo publish(Own previous, MdnsTxt.Encoded encoded, Node node) {
        if (previous != null && previous.port() == encoded.port() && previous.instance().equals(encoded.instance())) {
            // A new TXT (new hb) makes jmdns re-announce: that is the heartbeat other processes see.
            try {
                previous.info().setText(encoded.text());
            } catch (RuntimeException e) {
                throw new RegistryException("mdns: cannot refresh node " + node.id() + ": " + e.getMessage(), e);
            }
            return previous.info();
        }
        if (previous != null) {
            forget(previous);
            jmdns.unregisterService(previous.info()); // rare (a node moved port); the name must be free again
        }
        ServiceInfo info = ServiceInfo.create(SERVICE_TYPE, encoded.instance(), encoded.port(), 0, 0,
                encoded.text());
        try {
            jmdns.registerService(info);
        } catch (IOException | RuntimeException e) {
            throw new RegistryException("mdns: cannot register node " + node.id() + ": " + e.getMessage(), e);
        }
        return info;
    }

    /** Drops an own node from the view and remembers its last heartbeat, so that echoes of it are ignored. */
    private void forget(Own mine) {
        synchronized (lock) {
            seen.put(mine.key(), new Seen(mine.qualifiedName(), mine.advertised(), mine.heartbeat(), true,
                    System.nanoTime()));
            view.deregister(mine.advertised());
        }
    }

    private void onResolved(ServiceInfo info) {
        if (closed || info == null) {
            return;
        }
        MdnsTxt.Advert advert = MdnsTxt.decode(info.getName(), info.getTextBytes(), fallbackAddress(info));
        if (advert == null) {
            return; // not complete yet, or not ours
        }
        String qualifiedName = info.getQualifiedName();
        String key = key(qualifiedName);
        synchronized (lock) {
            if (closed) {
                return;
            }
            Seen before = seen.get(key);
            if (before != null && (advert.heartbeat() < before.heartbeat()
                    || before.gone() && advert.heartbeat() == before.heartbeat())) {
                return; // an echo from before the node left, or an older announcement overtaken by a newer one
            }
            seen.put(key, new Seen(qualifiedName, advert.service(), advert.heartbeat(), false, System.nanoTime()));
            if (before != null && !before.gone() && !sameNode(before.advertised(), advert.service())) {
                view.deregister(before.advertised());
            }
            view.register(advert.service(), advert.ttl());
        }
    }

    private void onGone(String key) {
        synchronized (lock) {
            Seen before = seen.get(key);
            if (closed || before == null || before.gone()) {
                return;
            }
            seen.put(key, before.leave(System.nanoTime()));
            view.deregister(before.advertised());
        }
    }

    /** Every 100 ms: acts on goodbyes jmdns has cached but not reported yet; forgets old nodes. */
    private void tick() {
        try {
            long now = System.nanoTime();
            Map<String, String> live = new HashMap<>();
            synchronized (lock) {
                seen.entrySet().removeIf(e -> now - e.getValue().at() > FORGET_AFTER.toNanos()
                        && (e.getValue().gone() || !inView(e.getValue().advertised())));
                for (Map.Entry<String, Seen> e : seen.entrySet()) {
                    if (!e.getValue().gone()) {
                        live.put(e.getKey(), e.getValue().qualifiedName());
                    }
                }
            }
            for (Own mine : own.values()) {
                live.remove(mine.key()); // our own goodbyes are sent by deregister, which drops the node itself
            }
            // Outside the lock: reading the cache takes jmdns's locks.
            for (Map.Entry<String, String> e : live.entrySet()) {
                if (cache.srv(e.getValue()) == RecordCache.State.GOODBYE) {
                    LOG.log(DEBUG, "mdns: goodbye from {0}", e.getValue());
                    onGone(e.getKey());
                }
            }
        } catch (RuntimeException e) {
            LOG.log(WARNING, "mdns: background check failed", e); // keep the schedule alive
        }
    }

    private boolean inView(Service advertised) {
        String id = advertised.nodes().get(0).id();
        for (Service s : view.getService(advertised.name())) {
            for (Node n : s.nodes()) {
                if (n.id().equals(id)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Returns once each named own record's goodbye has come back over multicast, or after {@link #GOODBYE_WAIT}. */
    private void awaitGoodbyes(List<String> qualifiedNames) {
        if (qualifiedNames.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + GOODBYE_WAIT.toNanos();
        for (String name : qualifiedNames) {
            RecordCache.State state;
            while ((state = cache.srv(name)) == RecordCache.State.LIVE && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(2_000_000);
            }
            if (state == RecordCache.State.UNKNOWN) {
                LockSupport.parkNanos(GOODBYE_FALLBACK_WAIT.toNanos());
                return;
            }
        }
    }

    private void closeJmdns() {
        long start = System.nanoTime();
        try {
            jmdns.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(DEBUG, "mdns: closing jmdns failed", e);
        }
        LOG.log(DEBUG, () -> "mdns: jmdns closed in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    private void runBlocking(Runnable task) {
        try {
            blocking.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(DEBUG, "mdns: background jmdns call failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            task.run(); // closed meanwhile: do it here rather than not at all
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new RegistryException("mdns registry closed");
        }
    }

    private static boolean sameNode(Service a, Service b) {
        return a.name().equals(b.name()) && a.nodes().get(0).id().equals(b.nodes().get(0).id());
    }

    private static String key(String qualifiedName) {
        return qualifiedName.toLowerCase(Locale.ROOT);
    }

    /** {@code host:port} from the SRV and A/AAAA records, for records without {@code addr}. */
    private static String fallbackAddress(ServiceInfo info) {
        Inet4Address[] v4 = info.getInet4Addresses();
        if (v4.length > 0) {
            return v4[0].getHostAddress() + ":" + info.getPort();
        }
        Inet6Address[] v6 = info.getInet6Addresses();
        if (v6.length > 0) {
            return "[" + v6[0].getHostAddress() + "]:" + info.getPort();
        }
        return null;
    }

    private static String describe(MdnsRegistryConfig config) {
        return config.interfaceName() + " (" + config.bindAddress().getHostAddress() + ")";
    }

    private static void warnIfNoMulticast(MdnsRegistryConfig config) {
        InetAddress address = config.bindAddress();
        if (address.isLoopbackAddress()) {
            return; // lo has no MULTICAST flag on Linux, yet multicast between processes on it works
        }
        try {
            NetworkInterface nif = NetworkInterface.getByInetAddress(address);
            if (nif != null && !nif.supportsMulticast()) {
                LOG.log(INFO, "mdns: interface {0} does not report multicast support; other hosts may not see us",
                        nif.getName());
            }
        } catch (SocketException e) {
            // only a hint
        }
    }

    private static ScheduledExecutorService timer(String name) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, daemon(name));
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    private static ExecutorService blockingPool(String name) {
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemon(name));
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, count.getAndIncrement() == 0 ? name : name + "-" + count.get());
            t.setDaemon(true);
            return t;
        };
    }

    /** jmdns calls this on its own executor thread, one event at a time. */
    private final class Listener implements ServiceListener {

        @Override
        public void serviceAdded(ServiceEvent event) {
            ServiceInfo info = event.getInfo();
            if (info != null && info.hasData()) {
                onResolved(info);
            } else if (!closed) {
                // Announcements carry SRV and TXT, and jmdns resolves those itself; a node found through our query
                // may need asking. Off this thread: the request waits up to 200 ms.
                runBlocking(() -> {
                    if (!closed) {
                        jmdns.requestServiceInfo(event.getType(), event.getName(), 1);
                    }
                });
            }
        }

        @Override
        public void serviceRemoved(ServiceEvent event) {
            onGone(key(event.getName() + "." + event.getType()));
        }

        @Override
        public void serviceResolved(ServiceEvent event) {
            onResolved(event.getInfo());
        }
    }
}
