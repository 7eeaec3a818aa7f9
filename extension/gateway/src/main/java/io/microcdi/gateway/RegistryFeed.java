package io.microcdi.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryEvent;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Watcher;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The registry's events for the dashboard's live view: one watcher of every service, started with the first reader
 * and stopped with the container, each event sent to every open {@link Reader} (a server's SSE connection: JAX-RS's
 * {@code SseEventSink} in {@link DashboardResource}, a chunked answer in {@link GatewayHttpServer}) as an event named
 * after its action ({@code create}, {@code update}, {@code delete}) carrying the service (name, version, nodes) as
 * JSON.
 *
 * <pre>{@code
 * event: create
 * data: {"action":"create","service":{"name":"greeter","version":"latest","nodes":[...],...}}
 * }</pre>
 */
@ApplicationScoped
public class RegistryFeed {

    private static final System.Logger LOG = System.getLogger(RegistryFeed.class.getName());
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final CopyOnWriteArrayList<Reader> readers = new CopyOnWriteArrayList<>();
    private Registry registry;
    private Watcher watcher;
    private Thread thread;
    private boolean closed;

    /** For the container's proxy. */
    protected RegistryFeed() {
    }

    @Inject
    public RegistryFeed(Registry registry) {
        this.registry = registry;
    }

    /** One reader of the feed: a server's connection, open until the browser leaves. */
    public interface Reader {

        /** Sends the event {@code name} with {@code data}; completes exceptionally when the reader is gone. */
        CompletionStage<?> send(String name, String data);

        boolean isClosed();

        void close();
    }

    /** Sends the events from now on to {@code reader} until it is closed; starts the watcher with the first reader. */
    public void add(Reader reader) {
        readers.add(reader);
        reader.send("open", "{}");
        startWatching();
    }

    /** How many readers are connected (the dashboard shows it; tests wait for it). */
    public int readers() {
        readers.removeIf(Reader::isClosed);
        return readers.size();
    }

    private synchronized void startWatching() {
        if (thread != null || closed) {
            return;
        }
        watcher = registry.watch(null);
        thread = new Thread(this::run, "micro-gateway-registry-feed");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        Watcher w;
        synchronized (this) {
            w = watcher;
        }
        while (true) {
            RegistryEvent e;
            try {
                e = w.next();
            } catch (InterruptedException ex) {
                return;
            } catch (RegistryException ex) {
                if (!ex.getMessage().contains(RegistryException.WATCHER_STOPPED)) {
                    LOG.log(System.Logger.Level.WARNING, "registry watch ended: " + ex.getMessage());
                }
                return;
            }
            broadcast(e);
        }
    }

    private void broadcast(RegistryEvent e) {
        String action = e.action().name().toLowerCase(Locale.ROOT);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("action", action);
        data.put("service", e.service());
        String json;
        try {
            json = MAPPER.writeValueAsString(data);
        } catch (JsonProcessingException ex) {
            LOG.log(System.Logger.Level.WARNING, "registry event not written: " + ex.getMessage());
            return;
        }
        for (Reader r : readers) {
            if (r.isClosed()) {
                readers.remove(r);
                continue;
            }
            r.send(action, json).whenComplete((ok, failure) -> {
                if (failure != null) {
                    readers.remove(r);
                    r.close();
                }
            });
        }
    }

    /** Stops the watcher and closes every reader (the container does it; a server made by hand calls it). */
    @PreDestroy
    public synchronized void close() {
        closed = true;
        if (watcher != null) {
            watcher.stop();
        }
        for (Reader r : readers) {
            r.close();
        }
        readers.clear();
    }
}
