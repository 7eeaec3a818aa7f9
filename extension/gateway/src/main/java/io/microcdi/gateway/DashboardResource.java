package io.microcdi.gateway;

import io.microcdi.registry.Registry;
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
import java.util.concurrent.CompletionStage;

/**
 * The web dashboard under {@code /_micro/} over JAX-RS: {@link Dashboard}'s page and data, and the registry's events
 * ({@code events}) from {@link RegistryFeed} as JAX-RS server-sent events.
 */
@Path("/_micro")
@ApplicationScoped
public class DashboardResource {

    private Dashboard dashboard;
    private RegistryFeed feed;

    /** For the container's proxy. */
    protected DashboardResource() {
    }

    @Inject
    public DashboardResource(Gateway gateway, Registry registry, RegistryFeed feed, NodeHealth health) {
        this.dashboard = new Dashboard(gateway, registry, health);
        this.feed = feed;
    }

    /** The page at {@code /_micro/}; {@code /_micro} redirects there, as the page's relative links need the slash. */
    @GET
    public Response page(@Context UriInfo uri) {
        if (dashboard.on() && !uri.getRequestUri().getPath().endsWith("/")) {
            return Response.seeOther(uri.getBaseUriBuilder().path("_micro/").build()).build();
        }
        return Replies.toResponse(dashboard.page());
    }

    @GET
    @Path("{file: [a-z]+\\.(js|css)}")
    public Response file(@PathParam("file") String file) {
        return Replies.toResponse(dashboard.asset(file));
    }

    @GET
    @Path("services")
    @Produces(MediaType.APPLICATION_JSON)
    public Response services(@Context HttpHeaders headers) {
        return Replies.toResponse(dashboard.services(headers.getRequestHeaders()));
    }

    @GET
    @Path("health/{service}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response health(@PathParam("service") String service, @Context HttpHeaders headers) {
        return Replies.toResponse(dashboard.health(service, headers.getRequestHeaders()));
    }

    @POST
    @Path("call/{service}/{endpoint}")
    public Response call(@PathParam("service") String service, @PathParam("endpoint") String endpoint,
                         @Context HttpHeaders headers, InputStream in) throws IOException {
        return Replies.toResponse(dashboard.call(service, endpoint, headers.getRequestHeaders(), in));
    }

    /** The registry's events, live; {@code access_token} stands for the header an {@code EventSource} cannot send. */
    @GET
    @Path("events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@Context SseEventSink sink, @Context Sse sse, @Context HttpHeaders headers,
                       @QueryParam("access_token") String token) {
        if (!dashboard.mayWatch(headers.getRequestHeaders(), token)) {
            sink.send(sse.newEventBuilder().name("error").data("{\"code\":401}").build());
            sink.close();
            return;
        }
        feed.add(new SinkReader(sink, sse));
    }

    /** A JAX-RS event sink as a reader of the feed. */
    private record SinkReader(SseEventSink sink, Sse sse) implements RegistryFeed.Reader {

        @Override
        public CompletionStage<?> send(String name, String data) {
            return sink.send(sse.newEventBuilder().name(name).data(data).build());
        }

        @Override
        public boolean isClosed() {
            return sink.isClosed();
        }

        @Override
        public void close() {
            sink.close();
        }
    }
}
