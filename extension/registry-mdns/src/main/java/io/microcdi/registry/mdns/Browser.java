package io.microcdi.registry.mdns;

import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.registry.memory.MemoryRegistry;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

/**
 * The other side of {@link MdnsRegistry}: browses {@value MdnsRegistry#SERVICE_TYPE} and keeps the in-memory view of
 * every node heard of up to date: a node's announcement (or heartbeat) registers it, its goodbye withdraws it, and a
 * late echo of a node that left is ignored. Lookups and watches read the view, never the network.
 *
 * <pre>{@code
 * Browser browser = new Browser(jmdns, cache, view, () -> closed, background);
 * browser.start();                    // the view fills as announcements arrive
 * browser.tick(announcer::keys);      // every 100 ms: goodbyes jmdns has cached but not reported yet
 * }</pre>
 */
final class Browser {

    /** How long what we learnt about a node that left is kept, to ignore late echoes of its announcements. */
    private static final Duration FORGET_AFTER = Duration.ofHours(1);

    private static final System.Logger LOG = System.getLogger(MdnsRegistry.class.getName());

    private final JmDNS jmdns;
    private final RecordCache cache;
    /** What the registry knows: its own nodes and every node heard of, with TTL expiry, snapshots and watchers. */
    private final MemoryRegistry view;
    /** The registry's: once closed, nothing more is learnt. */
    private final BooleanSupplier closed;
    /** Runs jmdns calls that block, off jmdns's own threads. */
    private final Executor background;
    private final ServiceListener listener = new Listener();

    /** Guards {@link #seen} together with the view updates it decides. */
    private final Object lock = new Object();
    /** Nodes heard of (own ones included), by lower-case qualified instance name; guarded by {@link #lock}. */
    private final Map<String, Seen> seen = new HashMap<>();

    /** A node heard of; once {@code gone}, later echoes of heartbeats up to {@code heartbeat} are ignored. */
    private record Seen(String qualifiedName, Service advertised, long heartbeat, boolean gone, long at) {

        Seen leave(long now) {
            return new Seen(qualifiedName, advertised, heartbeat, true, now);
        }
    }

    Browser(JmDNS jmdns, RecordCache cache, MemoryRegistry view, BooleanSupplier closed, Executor background) {
        this.jmdns = jmdns;
        this.cache = cache;
        this.view = view;
        this.closed = closed;
        this.background = background;
    }

    /** When a node was last heard of ({@link System#nanoTime()}), or when browsing started. */
    private volatile long lastHeard = System.nanoTime();

    /**
     * Waits until no node was heard of for {@code quietNanos}, or until {@code deadline} ({@link System#nanoTime()}):
     * the answers to one query come from every responder within a short window, each after its own random delay.
     */
    void awaitQuiet(long quietNanos, long deadline) {
        while (!closed.getAsBoolean()) {
            long now = System.nanoTime();
            long quietFor = now - lastHeard;
            if (quietFor >= quietNanos || now - deadline >= 0) {
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(this, Math.min(quietNanos - quietFor, deadline - now));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Starts browsing: jmdns reports the nodes it hears of from now on. */
    void start() {
        jmdns.addServiceListener(MdnsRegistry.SERVICE_TYPE, listener);
    }

    /** Stops browsing. */
    void stop() {
        jmdns.removeServiceListener(MdnsRegistry.SERVICE_TYPE, listener);
    }

    /** One of our own nodes was published (or refreshed): it is in the view at once, not when its echo comes back. */
    void announced(String key, String qualifiedName, Service advertised, long heartbeat, Duration ttl) {
        synchronized (lock) {
            Seen before = seen.put(key, new Seen(qualifiedName, advertised, heartbeat, false, System.nanoTime()));
            if (before != null && !before.gone() && !sameNode(before.advertised(), advertised)) {
                view.deregister(before.advertised());
            }
            view.register(advertised, ttl);
        }
    }

    /** Drops an own node from the view and remembers its last heartbeat, so that echoes of it are ignored. */
    void withdrawn(String key, String qualifiedName, Service advertised, long heartbeat) {
        synchronized (lock) {
            seen.put(key, new Seen(qualifiedName, advertised, heartbeat, true, System.nanoTime()));
            view.deregister(advertised);
        }
    }

    private void onResolved(ServiceInfo info) {
        if (closed.getAsBoolean() || info == null) {
            return;
        }
        MdnsTxt.Advert advert = MdnsTxt.decode(info.getName(), info.getTextBytes(), fallbackAddress(info));
        if (advert == null) {
            return; // not complete yet, or not ours
        }
        lastHeard = System.nanoTime();
        String qualifiedName = info.getQualifiedName();
        String key = key(qualifiedName);
        synchronized (lock) {
            if (closed.getAsBoolean()) {
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
            if (closed.getAsBoolean() || before == null || before.gone()) {
                return;
            }
            seen.put(key, before.leave(System.nanoTime()));
            view.deregister(before.advertised());
        }
    }

    /**
     * Every 100 ms: acts on goodbyes jmdns has cached but not reported yet; forgets old nodes. {@code ownKeys}: our
     * own nodes, whose goodbyes are sent by deregister, which drops the node itself.
     */
    void tick(Supplier<? extends Collection<String>> ownKeys) {
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
            for (String own : ownKeys.get()) {
                live.remove(own);
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

    private static boolean sameNode(Service a, Service b) {
        return a.name().equals(b.name()) && a.nodes().get(0).id().equals(b.nodes().get(0).id());
    }

    /** The key of {@link #seen}: DNS names compare without case. */
    static String key(String qualifiedName) {
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

    /** jmdns calls this on its own executor thread, one event at a time. */
    private final class Listener implements ServiceListener {

        @Override
        public void serviceAdded(ServiceEvent event) {
            ServiceInfo info = event.getInfo();
            if (info != null && info.hasData()) {
                onResolved(info);
            } else if (!closed.getAsBoolean()) {
                // Announcements carry SRV and TXT, and jmdns resolves those itself; a node found through our query
                // may need asking. Off this thread: the request waits up to 200 ms.
                background.execute(() -> {
                    if (!closed.getAsBoolean()) {
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
