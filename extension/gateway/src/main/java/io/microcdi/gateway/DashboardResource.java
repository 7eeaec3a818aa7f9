package io.microcdi.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The web dashboard under {@code /_micro/}: a page (plain HTML and JavaScript from this jar) and the data it reads:
 * the services with their versions, nodes and endpoints ({@code services}), each node's health
 * ({@code health/<service>}), calls from its form ({@code call/<service>/<endpoint>}) and the registry's events as
 * server-sent events ({@code events}). Off with {@code micro.gateway.dashboard=false}; behind the bearer tokens with
 * {@code micro.gateway.auth=true}, as the gateway is.
 */
@Path("/_micro")
@ApplicationScoped
public class DashboardResource {

    private static final String ASSETS = "/io/microcdi/gateway/dashboard/";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Gateway gateway;
    private Registry registry;
    private RegistryFeed feed;
    private NodeHealth health;

    /** For the container's proxy. */
    protected DashboardResource() {
    }

    @Inject
    public DashboardResource(Gateway gateway, Registry registry, RegistryFeed feed, NodeHealth health) {
        this.gateway = gateway;
        this.registry = registry;
        this.feed = feed;
        this.health = health;
    }

    /** The page at {@code /_micro/}; {@code /_micro} redirects there, as the page's relative links need the slash. */
    @GET
    public Response page(@Context UriInfo uri) {
        if (!gateway.config().dashboard()) {
            return notFound();
        }
        if (!uri.getRequestUri().getPath().endsWith("/")) {
            return Response.seeOther(uri.getBaseUriBuilder().path("_micro/").build()).build();
        }
        return asset("index.html", "text/html; charset=utf-8");
    }

    @GET
    @Path("{file: [a-z]+\\.(js|css)}")
    public Response file(@PathParam("file") String file) {
        return asset(file, file.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8");
    }

    /** Every service: name, then each version with its metadata, endpoints (request and response shapes) and nodes. */
    @GET
    @Path("services")
    @Produces(MediaType.APPLICATION_JSON)
    public Response services(@Context HttpHeaders headers) {
        Response refused = refuse(headers);
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

    @GET
    @Path("health/{service}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response health(@PathParam("service") String service, @Context HttpHeaders headers) {
        Response refused = refuse(headers);
        return refused != null ? refused : json(health.check(service));
    }

    /**
     * Calls {@code endpoint} of {@code service} with the body, as the gateway would for a route to it; the
     * {@code Server-Timing} header says how long the call took inside the gateway.
     */
    @POST
    @Path("call/{service}/{endpoint}")
    public Response call(@PathParam("service") String service, @PathParam("endpoint") String endpoint,
                         @Context HttpHeaders headers, InputStream in) throws IOException {
        if (!gateway.config().dashboard()) {
            return notFound();
        }
        byte[] body;
        try {
            body = Bodies.read(in, headers.getHeaderString("Content-Length"), gateway.config().maxBodySize());
        } catch (io.microcdi.errors.MicroException e) {
            return Replies.toResponse(Reply.error(e));
        }
        long t0 = System.nanoTime();
        Reply r = gateway.call(new HttpCall("POST", "/_micro/call", "", headers.getRequestHeaders(), body),
                new Route(service, endpoint));
        double ms = (System.nanoTime() - t0) / 1e6;
        return Response.fromResponse(Replies.toResponse(r))
                .header("Server-Timing", String.format(java.util.Locale.ROOT, "call;dur=%.3f", ms)).build();
    }

    /** The registry's events, live; {@code access_token} stands for the header an {@code EventSource} cannot send. */
    @GET
    @Path("events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@Context SseEventSink sink, @Context Sse sse, @Context HttpHeaders headers,
                       @QueryParam("access_token") String token) {
        if (!gateway.config().dashboard() || !(gateway.authorized(call(headers)) || gateway.authorizedToken(token))) {
            sink.send(sse.newEventBuilder().name("error").data("{\"code\":401}").build());
            sink.close();
            return;
        }
        feed.add(sink, sse);
    }

    private Response refuse(HttpHeaders headers) {
        if (!gateway.config().dashboard()) {
            return notFound();
        }
        Reply r = gateway.checkAuthorized(call(headers));
        return r == null ? null : Replies.toResponse(r);
    }

    private static HttpCall call(HttpHeaders headers) {
        return new HttpCall("GET", "/_micro", "", headers.getRequestHeaders(), new byte[0]);
    }

    private Response asset(String name, String type) {
        if (!gateway.config().dashboard()) {
            return notFound();
        }
        try (InputStream in = DashboardResource.class.getResourceAsStream(ASSETS + name)) {
            if (in == null) {
                return notFound();
            }
            return Response.ok(in.readAllBytes(), type).header("Cache-Control", "no-cache").build();
        } catch (IOException e) {
            return Replies.toResponse(Reply.error(io.microcdi.errors.MicroException.internalServerError(Reply.ID,
                    "dashboard asset %s: %s", name, e.getMessage())));
        }
    }

    private static Response json(Object value) {
        try {
            return Response.ok(MAPPER.writeValueAsBytes(value), MediaType.APPLICATION_JSON).build();
        } catch (JsonProcessingException e) {
            return Replies.toResponse(Reply.error(io.microcdi.errors.MicroException.internalServerError(Reply.ID,
                    "%s", e.getMessage())));
        }
    }

    private static Response notFound() {
        return Replies.toResponse(Reply.error(io.microcdi.errors.MicroException.notFound(Reply.ID,
                "the dashboard is off (micro.gateway.dashboard=false)")));
    }
}
