package io.microcdi.registry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Service;
import io.microcdi.registry.Watcher;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Service discovery in an etcd v3 cluster, in Go Micro's layout ({@link EtcdLayout}), so that Go Micro services
 * reading the same etcd see MicroCDI's nodes and MicroCDI clients call theirs.
 *
 * <pre>{@code
 * Registry registry = new EtcdRegistry(EtcdRegistryConfig.of("10.0.0.1:2379,10.0.0.2:2379,10.0.0.3:2379"));
 * registry.register(service, Duration.ofSeconds(60));   // a key under a 60 s lease
 * registry.register(service, Duration.ofSeconds(60));   // the same node again: a lease keep-alive, no write
 * }</pre>
 *
 * <ul>
 *   <li>Each node is one key under a lease of the registration's TTL, whole seconds (etcd grants at least its minimum,
 *       about two seconds); a TTL of zero puts the key with no lease. Registering the same node again with the same
 *       content and TTL keeps the lease alive and checks the key is still there; anything else puts the new value
 *       under a new lease. A lease that expired meanwhile (etcd unreachable for longer than the TTL) gets a new one
 *       and the key is written again: one key per node id, so never a node twice.</li>
 *   <li>Lookups read the service's prefix from the member the client talks to (a serializable read, as Go Micro),
 *       so they answer while the cluster elects a leader; a read older than this instance's own last write is asked
 *       again of the leader, so an instance always sees what it registered.</li>
 *   <li>Watchers follow the prefix with previous values; a watch etcd drops or compacts is re-established from a
 *       fresh list, reporting the difference, so that no change is lost and none invented ({@link EtcdWatcher}).</li>
 * </ul>
 */
public final class EtcdRegistry implements Registry {

    /** The plugin name, {@code micro.registry=etcd}. */
    public static final String NAME = "etcd";

    private static final System.Logger LOG = System.getLogger(EtcdRegistry.class.getName());
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final EtcdRegistryConfig config;
    private final EtcdLayout layout;
    private final ExecutorService callbacks;
    private final ScheduledExecutorService resyncs;
    private final Client client;
    private final KV kv;
    private final Lease leases;
    private final Watch watches;
    /** What this instance registered, per key: its lease and value. */
    private final ConcurrentHashMap<String, NodeLease> registered = new ConcurrentHashMap<>();
    private final Set<EtcdWatcher> watchers = ConcurrentHashMap.newKeySet();
    /** The revision of this instance's last write: its reads must see at least that. */
    private final AtomicLong lastWrite = new AtomicLong();
    private volatile boolean closed;

    /** One registered node: guarded by its own monitor, so that nodes register in parallel. */
    private static final class NodeLease {
        final String key;
        long lease;
        long ttlSeconds;
        String value;
        /** Deregistered while another thread waited for this monitor: that thread starts over. */
        boolean withdrawn;

        NodeLease(String key) {
            this.key = key;
        }
    }

    /** A registry on the cluster {@code config} names; connects lazily, on the first operation. */
    public EtcdRegistry(EtcdRegistryConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.layout = new EtcdLayout(config.prefix());
        int n = INSTANCES.incrementAndGet();
        this.callbacks = Executors.newCachedThreadPool(daemons("microcdi-etcd-" + n));
        this.resyncs = Executors.newSingleThreadScheduledExecutor(daemons("microcdi-etcd-watch-" + n));
        ClientBuilder b = Client.builder()
                .endpoints(config.endpoints().toArray(URI[]::new))
                .connectTimeout(config.dialTimeout())
                .retryMaxDuration(config.requestTimeout())
                .executorService(callbacks);
        if (config.username() != null) {
            b.user(bytes(config.username())).password(bytes(config.password()));
        }
        if (config.tls() != null) {
            EtcdRegistryConfig.Tls tls = config.tls();
            try {
                b.sslContext(ssl -> {
                    if (tls.ca() != null) {
                        ssl.trustManager(tls.ca().toFile());
                    }
                    if (tls.cert() != null) {
                        ssl.keyManager(tls.cert().toFile(), tls.key().toFile());
                    }
                });
            } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
                shutdownExecutors();
                throw MicroConfig.invalid(tls.cert() != null ? EtcdRegistryConfig.TLS_CERT : EtcdRegistryConfig.TLS_CA,
                        String.valueOf(tls.cert() != null ? tls.cert() : tls.ca()),
                        "PEM files a TLS client can use (" + e.getMessage() + ")");
            }
        }
        this.client = b.build();
        this.kv = client.getKVClient();
        this.leases = client.getLeaseClient();
        this.watches = client.getWatchClient();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The settings this registry runs with. */
    public EtcdRegistryConfig config() {
        return config;
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
        long ttlSeconds = ttl.isZero() ? 0 : Math.max(1, (ttl.toMillis() + 999) / 1000);
        RegistryException failed = null;
        for (Node node : service.nodes()) {
            try {
                registerNode(service, node, ttlSeconds);
            } catch (RegistryException e) {
                if (failed == null) {
                    failed = e;
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    private void registerNode(Service service, Node node, long ttlSeconds) {
        String key = layout.key(service.name(), node.id());
        String value = EtcdLayout.encode(service, node);
        while (true) {
            NodeLease n = registered.computeIfAbsent(key, NodeLease::new);
            synchronized (n) {
                if (n.withdrawn) {
                    continue; // deregistered meanwhile: this registration starts a new one
                }
                if (value.equals(n.value) && ttlSeconds == n.ttlSeconds && stillThere(n)) {
                    return;
                }
                put(n, value, ttlSeconds);
                return;
            }
        }
    }

    /** Keeps the node's lease alive; whether its lease and its key are both still there. */
    private boolean stillThere(NodeLease n) {
        if (n.ttlSeconds > 0) {
            LeaseKeepAliveResponse alive;
            try {
                alive = await(leases.keepAliveOnce(n.lease), "keep the lease of " + n.key + " alive");
            } catch (RegistryException e) {
                if (leaseNotFound(e)) {
                    LOG.log(Level.INFO, "etcd: the lease of {0} expired; registering it again", n.key);
                    return false;
                }
                throw e;
            }
            if (alive.getTTL() <= 0) {
                LOG.log(Level.INFO, "etcd: the lease of {0} expired; registering it again", n.key);
                return false;
            }
        }
        // the lease lives, but the key may not (deleted by hand, a restored backup): then it is written again
        GetResponse r = await(kv.get(bytes(n.key), GetOption.builder().withCountOnly(true).build()),
                "check " + n.key);
        return r.getCount() > 0;
    }

    private static boolean leaseNotFound(RegistryException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.contains("lease not found")) {
                return true;
            }
        }
        return false;
    }

    private void put(NodeLease n, String value, long ttlSeconds) {
        long lease = 0;
        if (ttlSeconds > 0) {
            lease = await(leases.grant(ttlSeconds), "grant a lease of " + ttlSeconds + " s for " + n.key).getID();
        }
        PutOption option = lease == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(lease).build();
        long revision = await(kv.put(bytes(n.key), bytes(value), option), "put " + n.key).getHeader().getRevision();
        wrote(revision);
        long old = n.lease;
        n.lease = lease;
        n.ttlSeconds = ttlSeconds;
        n.value = value;
        if (old != 0 && old != lease) {
            leases.revoke(old); // it holds no key any more; left alone it would only expire
        }
    }

    @Override
    public void deregister(Service service) {
        Objects.requireNonNull(service, "service");
        checkOpen();
        for (Node node : service.nodes()) {
            String key = layout.key(service.name(), node.id());
            NodeLease n = registered.remove(key);
            if (n == null) {
                delete(key, 0); // registered by another instance (or process): Go Micro deletes it all the same
                continue;
            }
            synchronized (n) {
                n.withdrawn = true;
                delete(key, n.lease);
            }
        }
    }

    private void delete(String key, long lease) {
        wrote(await(kv.delete(bytes(key)), "delete " + key).getHeader().getRevision());
        if (lease != 0) {
            leases.revoke(lease); // nothing waits for it: the lease would expire anyway
        }
    }

    // ---- look up ----

    @Override
    public List<Service> getService(String name) {
        Objects.requireNonNull(name, "name");
        checkOpen();
        Map<String, Service> versions = new LinkedHashMap<>();
        Map<String, List<Node>> nodes = new LinkedHashMap<>();
        for (KeyValue kv : read(layout.servicePrefix(name), "look up " + name).getKvs()) {
            Service s = decodeOrSkip(kv);
            if (s == null) {
                continue;
            }
            versions.putIfAbsent(s.version(), s);
            nodes.computeIfAbsent(s.version(), v -> new ArrayList<>()).addAll(s.nodes());
        }
        List<Service> out = new ArrayList<>(versions.size());
        versions.forEach((version, s) -> out.add(s.withNodes(nodes.get(version))));
        return out;
    }

    @Override
    public List<Service> listServices() {
        checkOpen();
        Set<List<String>> seen = new LinkedHashSet<>();
        for (KeyValue kv : read(layout.prefix(), "list services").getKvs()) {
            Service s = decodeOrSkip(kv);
            if (s != null) {
                seen.add(List.of(s.name(), s.version()));
            }
        }
        List<Service> out = new ArrayList<>(seen.size());
        for (List<String> nv : seen) {
            out.add(new Service(nv.get(0), nv.get(1), Map.of(), List.of(), List.of()));
        }
        return out;
    }

    /**
     * Reads everything under {@code prefix} from the member at hand; again from the leader when that member has not
     * yet applied this instance's last write.
     */
    private GetResponse read(String prefix, String what) {
        long mine = lastWrite.get();
        GetResponse r = await(kv.get(bytes(prefix), GetOption.builder().isPrefix(true).withSerializable(true).build()),
                what);
        if (r.getHeader().getRevision() >= mine) {
            return r;
        }
        return linearizable(prefix, what);
    }

    /** Everything under {@code prefix} as the leader has it (needs a quorum). */
    GetResponse linearizable(String prefix, String what) {
        return await(kv.get(bytes(prefix), GetOption.builder().isPrefix(true).build()), what);
    }

    private static Service decodeOrSkip(KeyValue kv) {
        Service s = EtcdLayout.decode(kv.getValue().getBytes());
        if (s == null) {
            LOG.log(Level.DEBUG, "etcd: skipping {0}: not a service ({1})",
                    kv.getKey().toString(StandardCharsets.UTF_8), EtcdLayout.excerpt(kv.getValue().getBytes()));
        }
        return s;
    }

    // ---- watch ----

    @Override
    public Watcher watch(String name) {
        checkOpen();
        EtcdWatcher w = new EtcdWatcher(this, name == null ? layout.prefix() : layout.servicePrefix(name));
        watchers.add(w);
        if (closed) {
            w.stop();
        }
        return w;
    }

    Watch watchClient() {
        return watches;
    }

    ScheduledExecutorService resyncs() {
        return resyncs;
    }

    void forget(EtcdWatcher w) {
        watchers.remove(w);
    }

    // ---- lifecycle ----

    /** Stops the watchers, deletes the keys this instance registered and revokes their leases, then disconnects. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        new ArrayList<>(watchers).forEach(EtcdWatcher::stop);
        List<CompletableFuture<?>> withdrawals = new ArrayList<>();
        for (NodeLease n : registered.values()) {
            synchronized (n) {
                n.withdrawn = true;
                withdrawals.add(kv.delete(bytes(n.key)));
                if (n.lease != 0) {
                    leases.revoke(n.lease); // the delete is what counts: an expired lease cannot be revoked
                }
            }
        }
        registered.clear();
        try {
            CompletableFuture.allOf(withdrawals.toArray(CompletableFuture[]::new))
                    .get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "etcd: deleting the registered nodes failed ({0}); their leases expire them",
                    e.getMessage());
        }
        client.close();
        shutdownExecutors();
    }

    private void shutdownExecutors() {
        resyncs.shutdownNow();
        callbacks.shutdownNow();
    }

    private void checkOpen() {
        if (closed) {
            throw new RegistryException("etcd registry closed");
        }
    }

    // ---- helpers ----

    private void wrote(long revision) {
        lastWrite.accumulateAndGet(revision, Math::max);
    }

    /** Waits for {@code f} at most the request timeout; a failure becomes a {@link RegistryException}. */
    <T> T await(CompletableFuture<T> f, String what) {
        try {
            return f.get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new RegistryException("etcd " + config.endpoints() + ": " + what + ": no answer within "
                    + config.requestTimeout().toMillis() + " ms (" + EtcdRegistryConfig.REQUEST_TIMEOUT + ")", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new RegistryException("etcd " + config.endpoints() + ": " + what + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new RegistryException("etcd: " + what + ": interrupted", e);
        }
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static ThreadFactory daemons(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public String toString() {
        return "etcd registry " + config.endpoints() + " " + config.prefix();
    }
}
