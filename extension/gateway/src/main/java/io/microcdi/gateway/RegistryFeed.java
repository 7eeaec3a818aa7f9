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
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The registry's events for the dashboard's live view: one watcher of every service, started with the first reader
 * and stopped with the container, each event sent to every open {@link SseEventSink} as a server-sent event named
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

    /** Sends the events from now on to {@code sink} until it is closed; starts the watcher with the first reader. */
    public void add(SseEventSink sink, Sse sse) {
        readers.add(new Reader(sink, sse));
        sink.send(sse.newEventBuilder().name("open").data("{}").build());
        startWatching();
    }

    /** How many readers are connected (the dashboard shows it; tests wait for it). */
    public int readers() {
        readers.removeIf(r -> r.sink.isClosed());
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
            if (r.sink.isClosed()) {
                readers.remove(r);
                continue;
            }
            OutboundSseEvent event = r.sse.newEventBuilder().name(action).data(json).build();
            r.sink.send(event).whenComplete((ok, failure) -> {
                if (failure != null) {
                    readers.remove(r);
                    r.sink.close();
                }
            });
        }
    }

    @PreDestroy
    synchronized void close() {
        closed = true;
        if (watcher != null) {
            watcher.stop();
        }
        for (Reader r : readers) {
            r.sink.close();
        }
        readers.clear();
    }

    private record Reader(SseEventSink sink, Sse sse) {
    }
}
