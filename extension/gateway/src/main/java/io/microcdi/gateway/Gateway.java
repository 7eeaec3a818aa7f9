package io.microcdi.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microcdi.client.CallOptions;
import io.microcdi.client.Client;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.client.StreamingClient;
import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.wrappers.BearerTokens;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;

/**
 * The gateway itself, without HTTP server glue: resolves a request to a service and endpoint, turns it into a call
 * through the framework's client (registry, selector, retries, wrappers) and the answer or error into a {@link Reply}.
 * {@link HttpFront} puts HTTP around it for {@link GatewayResource} (JAX-RS) and {@link GatewayHttpServer} (the JDK's
 * server).
 *
 * <pre>{@code
 * Gateway g = new Gateway(GatewayConfig.defaults(), client, null);
 * Reply r = g.call(new HttpCall("POST", "/greeter/hello", "", headers, "{\"name\":\"John\"}".getBytes(UTF_8)));
 * // 200 application/json {"greeting":"Hello John"}
 * }</pre>
 *
 * <p>Per call it resolves the path (a table look-up, or a split of the path), copies the headers into
 * {@link Metadata} and waits for the client's future on the caller's thread (a JAX-RS worker thread, or one of
 * {@link GatewayHttpServer}'s): nothing else is made per call.
 */
public final class Gateway {

    /** Media types passed through as they are; anything else is sent as JSON, as Go Micro's {@code rpc} handler. */
    private static final Set<String> BINARY = Set.of("application/protobuf", "application/proto",
            "application/octet-stream", "application/proto-rpc", "application/grpc", "application/grpc+proto");
    private static final String JSON = "application/json";
    /** Headers that describe this HTTP hop, not the call: never metadata. */
    private static final Set<String> HOP = Set.of("host", "connection", "content-length", "transfer-encoding",
            "keep-alive", "upgrade", "te", "trailer", "proxy-authorization", "proxy-connection", "accept-encoding",
            "expect", "content-type", "timeout", "accept", "origin", "cookie");
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final GatewayConfig config;
    private final Client client;
    private final BearerTokens tokens;
    private final Resolver resolver;
    private final Limits limits;

    /**
     * @param tokens the tokens a call must bring, {@code null} when {@code config.auth()} is off
     */
    public Gateway(GatewayConfig config, Client client, BearerTokens tokens) {
        if (config.auth() && tokens == null) {
            throw new IllegalArgumentException("tokens: null (expected: the tokens of micro.auth.tokens when "
                    + GatewayConfig.AUTH + "=true)");
        }
        this.config = config;
        this.client = client;
        this.tokens = config.auth() ? tokens : null;
        this.resolver = new Resolver(config.namespace());
        this.limits = Limits.of(config);
    }

    /**
     * The gateway of {@code micro.gateway.*} (and {@code micro.auth.tokens} when {@code micro.gateway.auth=true})
     * in front of {@code client}.
     *
     * @throws io.microcdi.config.ConfigException naming a bad key, its value and what is allowed
     */
    public static Gateway fromConfig(io.microcdi.config.MicroConfig config, Client client) {
        GatewayConfig gc = GatewayConfig.fromConfig(config);
        BearerTokens tokens = gc.auth() ? BearerTokens.fromConfig(config, GatewayConfig.AUTH + "=true guards the "
                + "gateway") : null;
        return new Gateway(gc, client, tokens);
    }

    public GatewayConfig config() {
        return config;
    }

    /** The route of {@code path}: the route table first, then Go Micro's rules (unless turned off). */
    public Optional<Route> route(String path) {
        Optional<Route> r = config.routes().find(path);
        return r.isPresent() || !config.resolve() ? r : resolver.resolve(path);
    }

    /** Whether {@code call} brings an accepted token (always, when the guard is off). */
    public boolean authorized(HttpCall call) {
        return tokens == null || tokens.accepts(call.header("Authorization"));
    }

    /** Whether {@code token} (from a query parameter, for {@code EventSource}) is accepted. */
    public boolean authorizedToken(String token) {
        return tokens == null || tokens.acceptsToken(token);
    }

    /** A 401 when the guard is on and {@code call} brings no accepted token; {@code null} otherwise. */
    public Reply checkAuthorized(HttpCall call) {
        return authorized(call) ? null : Reply.error(new MicroException(Reply.ID, 401,
                "missing or invalid bearer token", MicroException.statusText(401)),
                Map.of("WWW-Authenticate", "Bearer"));
    }

    /** Answers {@code call}: guard, limits, route, then the configured handler. */
    public Reply call(HttpCall call) {
        Reply refused = admit(call);
        if (refused != null) {
            return refused;
        }
        try {
            Optional<Route> route = route(call.path());
            if (route.isEmpty()) {
                return Reply.error(MicroException.notFound(Reply.ID, "no route for %s", call.path()));
            }
            return config.handler().equals("api") ? api(call, route.get()) : rpc(call, route.get());
        } catch (MicroException e) {
            return Reply.error(e);
        } finally {
            limits.release();
        }
    }

    /**
     * Calls {@code endpoint} of {@code service} with a JSON body, as the dashboard's form does; answers as
     * {@link #call} would for a route to it.
     */
    public Reply call(HttpCall call, Route route) {
        Reply refused = admit(call);
        if (refused != null) {
            return refused;
        }
        try {
            return rpc(call, route);
        } catch (MicroException e) {
            return Reply.error(e);
        } finally {
            limits.release();
        }
    }

    /**
     * Opens a stream to the endpoint {@code call} routes to: its body is the stream's messages (one per line for
     * JSON, the whole body otherwise). Returns once the first answer, the end or an error came back (or the call's
     * deadline passed without any): the {@link StreamedReplies} to write out, or the error {@link Reply} when it
     * failed before any message.
     */
    public Object openStream(HttpCall call) {
        Reply refused = admit(call);
        if (refused != null) {
            return refused;
        }
        boolean handedOver = false;
        try {
            Optional<Route> route = route(call.path());
            if (route.isEmpty()) {
                return Reply.error(MicroException.notFound(Reply.ID, "no route for %s", call.path()));
            }
            if (!(client instanceof StreamingClient streams)) {
                return Reply.error(MicroException.internalServerError(Reply.ID, "micro.client=%s cannot open streams",
                        client.name()));
            }
            Route r = route.get();
            String type = requestType(call);
            CallOptions options = options(call, r.service());
            Request open = new Request(r.service(), r.endpoint(), type, new byte[0], metadata(call));
            Flow.Publisher<Response> answers = streams.stream(open, new Messages(messages(call.body(), type)), options);
            StreamedReplies replies = new StreamedReplies(answers, type, limits::release);
            handedOver = true; // released by the stream when it ends
            Reply failed = replies.failure(options.requestTimeout());
            return failed != null ? failed : replies;
        } catch (MicroException e) {
            return Reply.error(e);
        } finally {
            if (!handedOver) {
                limits.release();
            }
        }
    }

    private Reply admit(HttpCall call) {
        Reply unauthorized = checkAuthorized(call);
        if (unauthorized != null) {
            return unauthorized;
        }
        if (call.body().length > config.maxBodySize()) {
            return Reply.error(new MicroException(Reply.ID, 413, "request body of " + call.body().length
                    + " bytes exceeds micro.gateway.max-body-size (" + config.maxBodySize() + ")",
                    MicroException.statusText(413)));
        }
        MicroException refused = limits.admit();
        return refused == null ? null : Reply.error(refused, Map.of("Retry-After",
                Long.toString(limits.retryAfterSeconds())));
    }

    /** Go Micro's {@code rpc} handler: the body (or the query of a GET, as JSON) is the request. */
    private Reply rpc(HttpCall call, Route route) {
        if (!call.method().equals("GET") && !call.method().equals("POST")) {
            throw MicroException.methodNotAllowed(Reply.ID, "%s (expected: GET or POST)", call.method());
        }
        String type = requestType(call);
        byte[] body = call.method().equals("GET") ? queryJson(call.query()) : call.body();
        if (body.length == 0 && type.equals(JSON)) {
            body = EMPTY_OBJECT;
        }
        Response rsp = await(client.call(new Request(route.service(), route.endpoint(), type, body, metadata(call)),
                options(call, route.service())));
        return Reply.ok(rsp.header().getOrDefault("Content-Type", type), rsp.body());
    }

    /** Go Micro's {@code api} handler: the whole HTTP request as {@code go.api.Request}, the answer a {@code Response}. */
    private Reply api(HttpCall call, Route route) {
        ObjectNode req = MAPPER.createObjectNode();
        req.put("method", call.method());
        req.put("path", call.path());
        ObjectNode header = req.putObject("header");
        call.headers().forEach((k, v) -> pair(header, k, v));
        ObjectNode get = req.putObject("get");
        params(call.query()).forEach((k, v) -> pair(get, k, v));
        ObjectNode post = req.putObject("post");
        if (call.mediaType().equals("application/x-www-form-urlencoded")) {
            params(new String(call.body(), StandardCharsets.UTF_8)).forEach((k, v) -> pair(post, k, v));
        } else {
            req.put("body", new String(call.body(), StandardCharsets.UTF_8));
        }
        req.put("url", call.path() + (call.query().isEmpty() ? "" : "?" + call.query()));
        Response rsp = await(client.call(new Request(route.service(), route.endpoint(), JSON, write(req),
                metadata(call)), options(call, route.service())));
        JsonNode answer;
        try {
            answer = MAPPER.readTree(rsp.body());
        } catch (IOException e) {
            throw MicroException.internalServerError(Reply.ID, "%s of %s answered no go.api.Response: %s",
                    route.endpoint(), route.service(), e.getMessage());
        }
        int status = answer.path("statusCode").asInt(0);
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        answer.path("header").fields().forEachRemaining(e -> {
            List<String> values = new ArrayList<>();
            e.getValue().path("values").forEach(v -> values.add(v.asText()));
            headers.put(e.getValue().path("key").asText(e.getKey()), String.join(",", values));
        });
        String type = headers.getOrDefault("Content-Type", JSON);
        headers.remove("Content-Type");
        return new Reply(status == 0 ? 200 : status, type, headers,
                answer.path("body").asText("").getBytes(StandardCharsets.UTF_8));
    }

    private static void pair(ObjectNode map, String key, List<String> values) {
        ObjectNode p = map.putObject(key);
        p.put("key", key);
        ArrayNode vs = p.putArray("values");
        values.forEach(vs::add);
    }

    /** The call options of {@code service}, with the deadline the caller asked for. */
    private CallOptions options(HttpCall call, String service) {
        CallOptions defaults = client.defaultOptions(service);
        Duration deadline = Deadlines.of(call.header(Deadlines.HEADER), defaults.requestTimeout(),
                config.maxTimeout());
        return deadline.equals(defaults.requestTimeout()) ? defaults : defaults.withRequestTimeout(deadline);
    }

    /** The content type the call is made with: a binary one as sent, JSON otherwise. */
    private static String requestType(HttpCall call) {
        String t = call.mediaType();
        return BINARY.contains(t) ? t : JSON;
    }

    /** The request's headers as call metadata, as Go Micro's gateway copies them, less those of the HTTP hop. */
    static Metadata metadata(HttpCall call) {
        Metadata.Builder b = Metadata.builder(call.headers().size());
        call.headers().forEach((k, values) -> {
            String lower = k.toLowerCase(Locale.ROOT);
            if (values.isEmpty() || HOP.contains(lower) || lower.startsWith("micro-") || lower.startsWith("x-micro-")
                    || lower.startsWith("sec-")) {
                return;
            }
            b.put(k, values.size() == 1 ? values.get(0) : String.join(",", values));
        });
        return b.build();
    }

    private static Response await(java.util.concurrent.CompletableFuture<Response> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MicroException.internalServerError(Reply.ID, "interrupted while waiting for the answer");
        }
    }

    /** {@code t} as Go Micro's gateway reports it: a MicroException as is, anything else a 500. */
    static MicroException failure(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof MicroException m ? m : MicroException.internalServerError(Reply.ID,
                "error during request: %s", String.valueOf(t.getMessage()));
    }

    /** A query string as a JSON object: each parameter a string, a repeated one an array of strings. */
    static byte[] queryJson(String query) {
        if (query.isEmpty()) {
            return EMPTY_OBJECT;
        }
        ObjectNode o = MAPPER.createObjectNode();
        params(query).forEach((k, v) -> {
            if (v.size() == 1) {
                o.put(k, v.get(0));
            } else {
                ArrayNode a = o.putArray(k);
                v.forEach(a::add);
            }
        });
        return write(o);
    }

    private static Map<String, List<String>> params(String query) {
        Map<String, List<String>> m = new java.util.LinkedHashMap<>();
        for (String kv : query.split("&")) {
            if (kv.isEmpty()) {
                continue;
            }
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return m;
    }

    /** The messages of a stream's body: JSON one per non-blank line, anything else the whole body. */
    static List<byte[]> messages(byte[] body, String type) {
        if (!type.equals(JSON)) {
            return body.length == 0 ? List.of() : List.of(body);
        }
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                int s = start;
                int e = i;
                while (s < e && Character.isWhitespace(body[s])) {
                    s++;
                }
                while (e > s && Character.isWhitespace(body[e - 1])) {
                    e--;
                }
                if (e > s) {
                    out.add(java.util.Arrays.copyOfRange(body, s, e));
                }
                start = i + 1;
            }
        }
        return out;
    }

    private static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The request side of a stream: the given messages, as the stream asks for them, then its end. */
    private static final class Messages implements Flow.Publisher<byte[]> {

        private final List<byte[]> messages;

        Messages(List<byte[]> messages) {
            this.messages = messages;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super byte[]> s) {
            s.onSubscribe(new Flow.Subscription() {
                private int next;
                private long demand;
                private boolean emitting;
                private boolean done;

                @Override
                public void request(long n) {
                    synchronized (this) {
                        if (done || n <= 0) {
                            return;
                        }
                        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                        if (emitting) {
                            return;
                        }
                        emitting = true;
                    }
                    while (true) {
                        byte[] m;
                        synchronized (this) {
                            if (done) {
                                emitting = false;
                                return;
                            }
                            if (next == messages.size()) {
                                done = true;
                                emitting = false;
                                m = null;
                            } else if (demand == 0) {
                                emitting = false;
                                return;
                            } else {
                                demand--;
                                m = messages.get(next++);
                            }
                        }
                        if (m == null) {
                            s.onComplete();
                            return;
                        }
                        s.onNext(m);
                    }
                }

                @Override
                public synchronized void cancel() {
                    done = true;
                }
            });
        }
    }
}
