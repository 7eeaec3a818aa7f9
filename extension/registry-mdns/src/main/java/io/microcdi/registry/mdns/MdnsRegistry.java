package io.microcdi.registry.mdns;

import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Service;
import io.microcdi.registry.Watcher;
import io.microcdi.registry.memory.MemoryRegistry;

import javax.jmdns.JmDNS;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
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

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;

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
 *
 * <h2>Parts</h2>
 * The {@code Announcer} publishes this process's nodes and sends their goodbyes; the {@code Browser} keeps the view
 * of every node heard of; this class starts and stops them and answers lookups from the view.
 */
public final class MdnsRegistry implements Registry {

    /** The plugin name. */
    public static final String NAME = "mdns";

    /** The DNS-SD service type every node is published under. */
    public static final String SERVICE_TYPE = "_micro._tcp.local.";

    /**
     * How long without news means every responder has answered a query: RFC 6762 has each delay its answer by 20 to
     * 120 ms, or up to 500 ms when it aggregates answers, and a node found through the query may take a resolve round
     * trip more.
     */
    static final long ANSWERS_SETTLE_MILLIS = 600;

    /** How often to look for goodbyes in jmdns's cache. */
    private static final long TICK_MILLIS = 100;

    private static final System.Logger LOG = System.getLogger(MdnsRegistry.class.getName());
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final MdnsRegistryConfig config;
    private final JmDNS jmdns;
    /** What this registry knows: its own nodes and every node heard of, with TTL expiry, snapshots and watchers. */
    private final MemoryRegistry view = new MemoryRegistry();
    /** {@link System#nanoTime()} at which the browse has had {@code micro.registry.mdns.timeout} to hear of every node. */
    private final long warmUpEnds;
    private final ScheduledExecutorService timer;
    private final ExecutorService blocking;
    private final Browser browser;
    private final Announcer announcer;

    /** Serialises register, deregister and close; never held while the browser's lock holder waits on jmdns. */
    private final Object registerLock = new Object();
    private volatile boolean closed;

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
        RecordCache cache = new RecordCache(jmdns);
        this.timer = timer("microcdi-mdns-" + n);
        this.blocking = blockingPool("microcdi-mdns-" + n + "-io");
        this.browser = new Browser(jmdns, cache, view, () -> closed, this::runBlocking);
        this.announcer = new Announcer(jmdns, cache, browser, this::runBlocking);
        browser.start();
        // counted from when the browse starts, not from before JmDNS.create (slow on a busy machine)
        this.warmUpEnds = System.nanoTime() + config.timeout().toNanos();
        timer.scheduleWithFixedDelay(() -> browser.tick(announcer::keys), TICK_MILLIS, TICK_MILLIS,
                TimeUnit.MILLISECONDS);
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
        synchronized (registerLock) {
            ensureOpen();
            announcer.announce(service, ttl);
        }
    }

    /** Sends goodbyes for the own nodes of {@code service}; other registries drop them at once. */
    @Override
    public void deregister(Service service) {
        Objects.requireNonNull(service, "service");
        List<String> goodbyes;
        synchronized (registerLock) {
            goodbyes = announcer.withdraw(service);
        }
        announcer.awaitGoodbyes(goodbyes);
    }

    /**
     * The versions of {@code name} with their live nodes, from the in-memory view. While this registry is younger than
     * {@code micro.registry.mdns.timeout} and knows no node of {@code name}, waits for the first one until that age: the
     * browse has not heard everything yet; and once it knows one, waits for the other answers to the same query (until
     * no node was heard of for {@value #ANSWERS_SETTLE_MILLIS} ms, within that age), so that a fresh client's first
     * view is not just the quickest responder's node. Later the view is complete, and a lookup never waits (a service
     * that is down must not slow every call to it).
     */
    @Override
    public List<Service> getService(String name) {
        long warmUpLeft = closed ? 0 : warmUpEnds - System.nanoTime();
        if (warmUpLeft <= 0) {
            return view.getService(name, Duration.ZERO);
        }
        List<Service> found = view.getService(name, Duration.ofNanos(warmUpLeft));
        if (found.isEmpty()) {
            return found;
        }
        browser.awaitQuiet(TimeUnit.MILLISECONDS.toNanos(ANSWERS_SETTLE_MILLIS), warmUpEnds);
        return view.getService(name, Duration.ZERO);
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
        browser.stop();
        view.close();
        announcer.awaitGoodbyes(announcer.withdrawAll());
        // jmdns.close() waits about two seconds for its goodbyes to repeat: nobody needs to wait for that.
        runBlocking(this::closeJmdns);
        blocking.shutdown();
        LOG.log(DEBUG, () -> "mdns: closed in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    @Override
    public String toString() {
        return "MdnsRegistry[" + describe(config) + ", " + announcer.size() + " own nodes]";
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
}
