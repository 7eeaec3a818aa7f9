package io.microcdi.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microcdi.errors.MicroException;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web dashboard without server glue: the page (plain HTML and JavaScript from this jar) and the data it reads:
 * the services with their versions, nodes and endpoints ({@code services}), each node's health
 * ({@code health/<service>}) and calls from its form ({@code call/<service>/<endpoint>}). The registry's live events
 * are {@link RegistryFeed}'s. Off with {@code micro.gateway.dashboard=false}; behind the bearer tokens with
 * {@code micro.gateway.auth=true}, as the gateway is. {@link DashboardResource} (JAX-RS) and
 * {@link GatewayHttpServer} serve it under {@code /_micro/}.
 *
 * <pre>{@code
 * Dashboard d = new Dashboard(gateway, registry, health);
 * d.serve("GET", "services", headers, null);   // 200 [{"name":"greeter","versions":[...]}]
 * }</pre>
 */
public final class Dashboard {

    private static final String ASSETS = "/io/microcdi/gateway/dashboard/";
    private static final Pattern FILE = Pattern.compile("[a-z]+\\.(js|css)");
    private static final Pattern HEALTH = Pattern.compile("health/([^/]+)");
    private static final Pattern CALL = Pattern.compile("call/([^/]+)/([^/]+)");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] NONE = new byte[0];

    private final Gateway gateway;
    private final Registry registry;
    private final NodeHealth health;

    public Dashboard(Gateway gateway, Registry registry, NodeHealth health) {
        this.gateway = gateway;
        this.registry = registry;
        this.health = health;
    }

    /** Whether the dashboard is served ({@code micro.gateway.dashboard}). */
    public boolean on() {
        return gateway.config().dashboard();
    }

    /**
     * Answers {@code method} on {@code path} below {@code /_micro/} ({@code ""}: the page), for a server without
     * routing of its own; the events ({@code events}) are {@link RegistryFeed}'s, not answered here.
     */
    public Reply serve(String method, String path, Map<String, List<String>> headers, InputStream in)
            throws IOException {
        if (path.isEmpty()) {
            return method.equals("GET") ? page() : notAllowed(method);
        }
        if (FILE.matcher(path).matches()) {
            return method.equals("GET") ? asset(path) : notAllowed(method);
        }
        if (path.equals("services")) {
            return method.equals("GET") ? services(headers) : notAllowed(method);
        }
        Matcher m = HEALTH.matcher(path);
        if (m.matches()) {
            return method.equals("GET") ? health(m.group(1), headers) : notAllowed(method);
        }
        m = CALL.matcher(path);
        if (m.matches()) {
            return method.equals("POST") ? call(m.group(1), m.group(2), headers, in) : notAllowed(method);
        }
        return on() ? Reply.error(MicroException.notFound(Reply.ID, "no dashboard page %s", path)) : off();
    }

    /** The page. */
    public Reply page() {
        return asset("index.html", "text/html; charset=utf-8");
    }

    /** A script or style sheet of the page ({@code app.js}, {@code style.css}). */
    public Reply asset(String file) {
        if (!FILE.matcher(file).matches()) {
            return Reply.error(MicroException.notFound(Reply.ID, "no dashboard file %s", file));
        }
        return asset(file, file.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8");
    }

    /** Every service: name, then each version with its metadata, endpoints (request and response shapes) and nodes. */
    public Reply services(Map<String, List<String>> headers) {
        Reply refused = refuse(headers);
        if (refused != null) {
            return refused;
        }
        TreeSet<String> names = new TreeSet<>();
        registry.listServices().forEach(s -> names.add(s.name()));
        List<Map<String, Object>> out = new ArrayList<>();
        for (String name : names) {
            List<Service> versions = new ArrayList<>(registry.getService(name));
            versions.sort(Comparator.comparing(Service::version));
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", name);
            s.put("versions", versions);
            out.add(s);
        }
        return json(out);
    }

    /** The health of each node of {@code service}. */
    public Reply health(String service, Map<String, List<String>> headers) {
        Reply refused = refuse(headers);
        return refused != null ? refused : json(health.check(service));
    }

    /**
     * Calls {@code endpoint} of {@code service} with the body, as the gateway would for a route to it; the
     * {@code Server-Timing} header says how long the call took inside the gateway.
     */
    public Reply call(String service, String endpoint, Map<String, List<String>> headers, InputStream in)
            throws IOException {
        if (!on()) {
            return off();
        }
        byte[] body;
        try {
            body = Bodies.read(in, HttpCall.header(headers, "Content-Length"), gateway.config().maxBodySize());
        } catch (MicroException e) {
            return Reply.error(e);
        }
        long t0 = System.nanoTime();
        Reply r = gateway.call(new HttpCall("POST", "/_micro/call", "", headers, body), new Route(service, endpoint));
        double ms = (System.nanoTime() - t0) / 1e6;
        return r.withHeaders(Map.of("Server-Timing", String.format(Locale.ROOT, "call;dur=%.3f", ms)));
    }

    /**
     * Whether a caller with {@code headers}, or {@code token} from the query ({@code access_token}, for the header an
     * {@code EventSource} cannot send), may read the registry's events.
     */
    public boolean mayWatch(Map<String, List<String>> headers, String token) {
        return on() && (gateway.authorized(get(headers)) || gateway.authorizedToken(token));
    }

    private Reply refuse(Map<String, List<String>> headers) {
        return on() ? gateway.checkAuthorized(get(headers)) : off();
    }

    private static HttpCall get(Map<String, List<String>> headers) {
        return new HttpCall("GET", "/_micro", "", headers, NONE);
    }

    private Reply asset(String name, String type) {
        if (!on()) {
            return off();
        }
        try (InputStream in = Dashboard.class.getResourceAsStream(ASSETS + name)) {
            if (in == null) {
                return Reply.error(MicroException.notFound(Reply.ID, "no dashboard file %s", name));
            }
            return new Reply(200, type, Map.of("Cache-Control", "no-cache"), in.readAllBytes());
        } catch (IOException e) {
            return Reply.error(MicroException.internalServerError(Reply.ID, "dashboard asset %s: %s", name,
                    e.getMessage()));
        }
    }

    private static Reply json(Object value) {
        try {
            return Reply.ok("application/json", MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            return Reply.error(MicroException.internalServerError(Reply.ID, "%s", e.getMessage()));
        }
    }

    private Reply notAllowed(String method) {
        return on() ? Reply.error(MicroException.methodNotAllowed(Reply.ID, "%s", method)) : off();
    }

    private static Reply off() {
        return Reply.error(MicroException.notFound(Reply.ID, "the dashboard is off (micro.gateway.dashboard=false)"));
    }
}
