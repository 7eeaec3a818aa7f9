package io.microcdi.gateway;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.microcdi.registry.Registry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway and its dashboard on the JDK's own HTTP server ({@code com.sun.net.httpserver}), without a JAX-RS
 * runtime: what {@code micro api} serves. Requests are answered by the same {@link HttpFront} and {@link Dashboard}
 * as {@link GatewayResource} and {@link DashboardResource}, so the routes, limits, CORS, tokens, errors and streams
 * are the same; only the adapter differs.
 *
 * <pre>{@code
 * try (GatewayHttpServer s = GatewayHttpServer.start(new InetSocketAddress("127.0.0.1", 8080), gateway, registry,
 *         health)) {
 *     // curl -d '{"name":"John"}' http://127.0.0.1:8080/greeter/hello ; the dashboard at /_micro/
 * }
 * }</pre>
 *
 * <p>Why the JDK's server rather than Netty (on the command line's class path through the http transport): every
 * answer here blocks a thread, on the call (until the service answered or the deadline passed), on a stream's next
 * message, or on the registry's next event for the dashboard's live view, which stays open for as long as the page
 * does. On Netty each of those would be handed from the event loop to a worker pool and its answer back, which is
 * the dispatching the JDK's server does already: its selector thread only accepts and parses, and each exchange runs
 * on a thread of the executor given here, where blocking is allowed. HTTP/1.1 with keep-alive and chunked answers is
 * what curl, a browser and {@code EventSource} need from a gateway run from a terminal; an application's gateway
 * runs on its container's JAX-RS (Quarkus REST, Liberty).
 */
public final class GatewayHttpServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(GatewayHttpServer.class.getName());
    private static final String DASHBOARD = "/_micro";
    /** A comment line the feed sends while idle, so that a reader who left is noticed and proxies keep it open. */
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final long KEEP_ALIVE_MILLIS = 15_000;

    private final HttpServer server;
    private final ExecutorService workers;
    private final HttpFront front;
    private final Dashboard dashboard;
    private final RegistryFeed feed;
    private final NodeHealth health;

    private GatewayHttpServer(HttpServer server, ExecutorService workers, Gateway gateway, Registry registry,
                              NodeHealth health) {
        this.server = server;
        this.workers = workers;
        this.front = new HttpFront(gateway);
        this.dashboard = new Dashboard(gateway, registry, health);
        this.feed = new RegistryFeed(registry);
        this.health = health;
    }

    /**
     * Serves {@code gateway} and the dashboard on {@code address} (port 0: a free one); {@link #close()} stops it,
     * the registry feed and {@code health}'s clients.
     *
     * @throws UncheckedIOException naming the address when it cannot be bound
     */
    public static GatewayHttpServer start(InetSocketAddress address, Gateway gateway, Registry registry,
                                          NodeHealth health) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(address.getHostString() + ":" + address.getPort() + ": " + e.getMessage(),
                    e);
        }
        // unbounded: the gateway's own limits (micro.gateway.max-concurrent, rate-limit) bound the calls; streams
        // and dashboard feeds hold a thread each for as long as they are open
        AtomicInteger n = new AtomicInteger();
        ExecutorService workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "micro-api-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        GatewayHttpServer s = new GatewayHttpServer(server, workers, gateway, registry, health);
        server.createContext("/", s::handle);
        server.setExecutor(workers);
        server.start();
        return s;
    }

    /** The address bound, with the port chosen when 0 was asked for. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** How many pages watch the registry's events (tests wait for it). */
    public int feedReaders() {
        return feed.readers();
    }

    @Override
    public void close() {
        feed.close();
        server.stop(0);
        workers.shutdownNow();
        health.closeClients();
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
            URI uri = ex.getRequestURI();
            String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
            Map<String, List<String>> headers = canonical(ex.getRequestHeaders());
            if (path.equals(DASHBOARD) || path.startsWith(DASHBOARD + "/")) {
                if (path.equals(DASHBOARD) && dashboard.on()) {
                    ex.getResponseHeaders().set("Location", DASHBOARD + "/");
                    ex.sendResponseHeaders(303, -1);
                    return;
                }
                String page = path.equals(DASHBOARD) ? "" : path.substring(DASHBOARD.length() + 1);
                if (page.equals("events") && method.equals("GET")) {
                    events(ex, headers, param(uri.getRawQuery(), "access_token"));
                } else {
                    write(ex, dashboard.serve(method, page, headers, ex.getRequestBody()));
                }
                return;
            }
            HttpFront.Answer a = front.serve(method, path, uri.getRawQuery(), headers, ex.getRequestBody());
            if (a.events() == null) {
                write(ex, a.head());
                return;
            }
            head(ex, a.head());
            ex.sendResponseHeaders(200, 0); // chunked: one flush per event
            a.events().writeTo(ex.getResponseBody());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "micro api: exchange ended early", e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "micro api: " + e, e);
            try {
                write(ex, Reply.error(Gateway.failure(e)));
            } catch (IOException | RuntimeException ignored) {
                // the head was sent already: the connection is closed, which the client sees
            }
        }
    }

    /** The registry's events for the dashboard, until the page leaves or the server stops. */
    private void events(HttpExchange ex, Map<String, List<String>> headers, String token) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        if (!dashboard.mayWatch(headers, token)) {
            event(out, "error", "{\"code\":401}");
            return;
        }
        QueueReader reader = new QueueReader();
        feed.add(reader);
        try {
            while (!reader.isClosed()) {
                String[] e = reader.events.poll(KEEP_ALIVE_MILLIS, TimeUnit.MILLISECONDS);
                if (e == null) {
                    out.write(KEEP_ALIVE);
                    out.flush();
                } else if (e != QueueReader.CLOSED) {
                    event(out, e[0], e[1]);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            reader.close();
        }
    }

    private static void event(OutputStream out, String name, String data) throws IOException {
        out.write(("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void write(HttpExchange ex, Reply r) throws IOException {
        head(ex, r);
        byte[] body = r.body();
        if (body.length == 0 || ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(r.status(), -1);
            return;
        }
        ex.sendResponseHeaders(r.status(), body.length);
        ex.getResponseBody().write(body);
    }

    private static void head(HttpExchange ex, Reply r) {
        Headers h = ex.getResponseHeaders();
        if (!r.contentType().isEmpty()) {
            h.set("Content-Type", r.contentType());
        }
        r.headers().forEach(h::set);
    }

    /**
     * The request's headers under their canonical names ({@code X-Request-Id}), as Go's HTTP server hands them to
     * Go Micro's gateway: the JDK's server lower-cases all but the first letter, which would reach the service as
     * metadata keys nobody wrote.
     */
    private static Map<String, List<String>> canonical(Headers headers) {
        Map<String, List<String>> out = new LinkedHashMap<>(headers.size() * 2);
        headers.forEach((k, v) -> out.put(canonical(k), v));
        return out;
    }

    static String canonical(String name) {
        char[] c = name.toCharArray();
        boolean upper = true;
        for (int i = 0; i < c.length; i++) {
            c[i] = upper ? Character.toUpperCase(c[i]) : Character.toLowerCase(c[i]);
            upper = c[i] == '-';
        }
        return new String(c);
    }

    private static String param(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String kv : query.split("&")) {
            if (kv.startsWith(name + "=")) {
                return URLDecoder.decode(kv.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** A dashboard page's connection as a reader of the feed: events queued, written by the page's own thread. */
    private static final class QueueReader implements RegistryFeed.Reader {

        static final String[] CLOSED = new String[0];
        /** Beyond this many events unread, the page is too slow and is dropped (it reloads the list on reconnect). */
        private static final int MAX_QUEUED = 1024;

        final LinkedBlockingQueue<String[]> events = new LinkedBlockingQueue<>(MAX_QUEUED + 1);
        private volatile boolean closed;

        @Override
        public CompletionStage<?> send(String name, String data) {
            if (closed || !events.offer(new String[] {name, data})) {
                return CompletableFuture.failedFuture(new IOException("dashboard reader gone or too slow"));
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                events.offer(CLOSED); // wakes the page's thread
            }
        }
    }
}
