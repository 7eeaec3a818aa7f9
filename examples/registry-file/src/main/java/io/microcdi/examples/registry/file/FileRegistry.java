package io.microcdi.examples.registry.file;

import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecException;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryEvent;
import io.microcdi.registry.RegistryEvent.Action;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Service;
import io.microcdi.registry.Watcher;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The {@code file} registry: one JSON file per node in a directory every process shares, at
 * {@code <directory>/<service>/<node id>.json}, holding the node's service in Go Micro's registry JSON and when it
 * expires.
 *
 * <pre>{@code
 * {"expires":1735689600000,"service":{"name":"greeter","version":"1.0.0","metadata":{},
 *  "endpoints":[...],"nodes":[{"id":"greeter-5f1c...","address":"127.0.0.1:38211","metadata":{...}}]}}
 * }</pre>
 *
 * <p>A lookup reads the files (fine for a handful of nodes; the selector's cache keeps it off the call path). A node
 * whose expiry passed is ignored and its file deleted; {@code expires} 0 never expires. Watchers hear of changes when
 * a poller, every {@code micro.registry.file.poll-interval}, compares the directory with what it saw last.
 */
public final class FileRegistry implements Registry {

    /** The plugin name: {@code micro.registry=file}. */
    public static final String NAME = "file";

    /** What one file holds: a service with exactly one node, and when it expires (epoch ms, 0: never). */
    record Entry(long expires, Service service) {
    }

    private static final Codec JSON = new JsonCodec();
    private static final Codec.Encoder ENCODER = JSON.encoder(Entry.class);
    private static final Codec.Decoder<Entry> DECODER = JSON.decoder(Entry.class);
    private static final Object STOP = new Object();
    private static final System.Logger LOG = System.getLogger(FileRegistry.class.getName());

    private final FileRegistryConfig config;
    /** The files this instance wrote, for {@link #close()} to withdraw. */
    private final Set<Path> own = ConcurrentHashMap.newKeySet();
    private final List<FileWatcher> watchers = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "microcdi-registry-file");
        t.setDaemon(true);
        return t;
    });
    /** The live nodes at the last poll, by file; read and written by the poller thread only. */
    private Map<Path, Service> seen;
    private volatile boolean closed;

    /** Starts polling {@code config.directory()}. */
    public FileRegistry(FileRegistryConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.seen = liveNodes(null);
        long every = config.pollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void register(Service service, Duration ttl) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: >= 0)");
        }
        if (service.nodes().isEmpty()) {
            throw new IllegalArgumentException("service " + service.name() + ": no nodes to register");
        }
        ensureOpen();
        long expires = ttl.isZero() ? 0 : System.currentTimeMillis() + ttl.toMillis();
        for (Node node : service.nodes()) {
            Path file = file(service.name(), node.id());
            write(file, ENCODER.encode(new Entry(expires, service.withNodes(List.of(node)))));
            own.add(file);
        }
    }

    @Override
    public void deregister(Service service) {
        for (Node node : service.nodes()) {
            Path file = file(service.name(), node.id());
            delete(file);
            own.remove(file);
        }
    }

    @Override
    public List<Service> getService(String name) {
        Map<String, List<Service>> byVersion = new LinkedHashMap<>();
        for (Service one : liveNodes(name).values()) {
            byVersion.computeIfAbsent(one.version(), v -> new ArrayList<>()).add(one);
        }
        List<Service> versions = new ArrayList<>();
        byVersion.forEach((version, ones) -> versions.add(ones.get(0).withNodes(ones.stream()
                .map(s -> s.nodes().get(0)).sorted(Comparator.comparing(Node::id)).toList())));
        return List.copyOf(versions);
    }

    @Override
    public List<Service> listServices() {
        return liveNodes(null).values().stream()
                .map(s -> new Service(s.name(), s.version(), null, null, null))
                .distinct().toList();
    }

    @Override
    public Watcher watch(String name) {
        ensureOpen();
        FileWatcher w = new FileWatcher(name);
        watchers.add(w);
        return w;
    }

    @Override
    public void close() {
        closed = true;
        poller.shutdownNow();
        watchers.forEach(FileWatcher::stop);
        own.forEach(FileRegistry::delete);
        own.clear();
    }

    /** Tells the watchers what changed since the last poll. */
    private void poll() {
        Map<Path, Service> now;
        try {
            now = liveNodes(null);
        } catch (RuntimeException e) {
            // thrown out of here, it would end the polling for good: try again next time
            LOG.log(System.Logger.Level.WARNING, e.getMessage(), e);
            return;
        }
        now.forEach((file, s) -> {
            Service before = seen.get(file);
            if (before == null || !before.equals(s)) {
                publish(new RegistryEvent(before == null ? Action.CREATE : Action.UPDATE, s));
            }
        });
        seen.forEach((file, s) -> {
            if (!now.containsKey(file)) {
                publish(new RegistryEvent(Action.DELETE, s));
            }
        });
        seen = now;
    }

    private void publish(RegistryEvent event) {
        for (FileWatcher w : watchers) {
            if (w.name == null || w.name.equals(event.service().name())) {
                w.queue.add(event);
            }
        }
    }

    /** The nodes of service {@code name} (every service when {@code null}) whose files have not expired. */
    private Map<Path, Service> liveNodes(String name) {
        Map<Path, Service> live = new HashMap<>();
        long now = System.currentTimeMillis();
        try (Stream<Path> dirs = name == null ? Files.list(config.directory()) : Stream.of(dir(name));
             Stream<Path> files = dirs.filter(Files::isDirectory).flatMap(FileRegistry::list)) {
            files.filter(f -> f.getFileName().toString().endsWith(".json")).forEach(f -> {
                Entry e = read(f);
                if (e != null && e.expires() != 0 && e.expires() <= now) {
                    // A writer may refresh the file between our read and this delete; its next heartbeat
                    // writes it again, so the node only blinks.
                    delete(f);
                } else if (e != null) {
                    live.put(f, e.service());
                }
            });
        } catch (IOException e) {
            throw new RegistryException("file: cannot read " + config.directory() + ": " + e.getMessage(), e);
        }
        return live;
    }

    private static Stream<Path> list(Path dir) {
        try {
            return Files.list(dir);
        } catch (IOException e) {
            return Stream.empty(); // the directory went away meanwhile: no nodes there
        }
    }

    /** The entry in {@code file}, or {@code null} when it vanished or is not ours to read. */
    private static Entry read(Path file) {
        try {
            Entry e = DECODER.decode(Files.readAllBytes(file));
            return e == null || e.service() == null || e.service().nodes().size() != 1 ? null : e;
        } catch (NoSuchFileException | CodecException e) {
            return null;
        } catch (IOException e) {
            throw new RegistryException("file: cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes to a temporary file and renames it, so that a reader never sees half a file. */
    private static void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("." + UUID.randomUUID() + ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new RegistryException("file: cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new RegistryException("file: cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    private Path dir(String service) {
        return config.directory().resolve(safe(service));
    }

    private Path file(String service, String nodeId) {
        return dir(service).resolve(safe(nodeId) + ".json");
    }

    /** A file name for any string: URL-encoded, dots too, so that no name is {@code ..} or hidden. */
    private static String safe(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace(".", "%2E");
    }

    private void ensureOpen() {
        if (closed) {
            throw new RegistryException("file registry closed");
        }
    }

    /** A watcher fed by the poller. */
    private final class FileWatcher implements Watcher {

        final String name;
        final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();

        FileWatcher(String name) {
            this.name = name;
        }

        @Override
        public RegistryEvent next() throws InterruptedException {
            Object o = queue.take();
            if (o == STOP) {
                queue.add(STOP); // every later call throws too
                throw new RegistryException(RegistryException.WATCHER_STOPPED);
            }
            return (RegistryEvent) o;
        }

        @Override
        public void stop() {
            watchers.remove(this);
            queue.add(STOP);
        }
    }
}
