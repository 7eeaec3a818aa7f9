package io.microcdi.registry.mdns;

import io.microcdi.registry.Node;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Service;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static java.lang.System.Logger.Level.WARNING;

/**
 * Our side of {@link MdnsRegistry}: publishes this process's nodes, re-announces each with a new heartbeat when it
 * is registered again, and sends their goodbyes, waiting until the first one is on the wire. It tells the
 * {@link Browser} at once, so that our own nodes are in the view without waiting for their echo.
 *
 * <pre>{@code
 * announcer.announce(service, Duration.ofSeconds(60));   // under the registry's register lock
 * announcer.awaitGoodbyes(announcer.withdraw(service));
 * }</pre>
 */
final class Announcer {

    /** The longest {@link MdnsRegistry#deregister} and {@link MdnsRegistry#close} wait to see their goodbyes go out. */
    private static final Duration GOODBYE_WAIT = Duration.ofMillis(500);

    /** Without the cache to watch, a short pause lets jmdns's timer send the first goodbye. */
    private static final Duration GOODBYE_FALLBACK_WAIT = Duration.ofMillis(50);

    private static final System.Logger LOG = System.getLogger(MdnsRegistry.class.getName());

    private final JmDNS jmdns;
    private final RecordCache cache;
    private final Browser browser;
    /** Runs jmdns calls that block (unregistering repeats its goodbyes for two seconds). */
    private final Executor background;
    /** Own nodes by node id. */
    private final Map<String, Own> own = new ConcurrentHashMap<>();
    private final AtomicLong lastHeartbeat = new AtomicLong();

    /** A node this registry published. */
    private record Own(String key, String qualifiedName, ServiceInfo info, int port, String instance,
                       Service advertised, MdnsTxt.EndpointForm form, long heartbeat) {
    }

    Announcer(JmDNS jmdns, RecordCache cache, Browser browser, Executor background) {
        this.jmdns = jmdns;
        this.cache = cache;
        this.browser = browser;
        this.background = background;
    }

    /**
     * Publishes (or refreshes) each node of {@code service}; called under the registry's register lock. A refresh
     * re-announces the node with a new heartbeat ({@code hb}); a node whose port changed is withdrawn and published
     * again.
     *
     * @throws RegistryException when a node's record cannot be built or jmdns refuses it
     */
    void announce(Service service, Duration ttl) {
        long ttlSeconds = ttl.isZero() ? 0 : Math.max(1, (ttl.toMillis() + 999) / 1000);
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
            Own mine = new Own(Browser.key(qualifiedName), qualifiedName, info, encoded.port(), encoded.instance(),
                    encoded.advertised(), encoded.form(), heartbeat);
            own.put(node.id(), mine);
            browser.announced(mine.key(), qualifiedName, mine.advertised(), heartbeat, ttl);
        }
    }

    /**
     * Sends goodbyes for the own nodes of {@code service} (not another process's: not ours to withdraw); called under
     * the registry's register lock. Returns their names for {@link #awaitGoodbyes}.
     */
    List<String> withdraw(Service service) {
        List<String> goodbyes = new ArrayList<>();
        for (Node node : service.nodes()) {
            Own mine = own.remove(node.id());
            if (mine == null) {
                continue; // another process's node: not ours to withdraw
            }
            forget(mine);
            goodbyes.add(mine.qualifiedName());
            // jmdns sends the goodbye at once, then blocks two seconds while it repeats it
            background.execute(() -> jmdns.unregisterService(mine.info()));
        }
        return goodbyes;
    }

    /** Sends goodbyes for every own node, as the registry closes; returns their names for {@link #awaitGoodbyes}. */
    List<String> withdrawAll() {
        List<String> goodbyes = new ArrayList<>();
        for (Own mine : own.values()) {
            goodbyes.add(mine.qualifiedName());
            // Not left to jmdns.close(): its goodbyes went out about a second late when measured.
            background.execute(() -> jmdns.unregisterService(mine.info()));
        }
        own.clear();
        return goodbyes;
    }

    /** The browser's keys of our own nodes. */
    List<String> keys() {
        List<String> keys = new ArrayList<>(own.size());
        for (Own mine : own.values()) {
            keys.add(mine.key());
        }
        return keys;
    }

    /** How many nodes we publish. */
    int size() {
        return own.size();
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
        ServiceInfo info = ServiceInfo.create(MdnsRegistry.SERVICE_TYPE, encoded.instance(), encoded.port(), 0, 0,
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
        browser.withdrawn(mine.key(), mine.qualifiedName(), mine.advertised(), mine.heartbeat());
    }

    /** Returns once each named own record's goodbye has come back over multicast, or after {@link #GOODBYE_WAIT}. */
    void awaitGoodbyes(List<String> qualifiedNames) {
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
}
