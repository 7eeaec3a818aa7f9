package io.microcdi.gateway;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;

/**
 * The API gateway over JAX-RS: every path not taken by another resource is a call, answered by {@link HttpFront}.
 *
 * <pre>{@code
 * $ curl -d '{"name":"John"}' -H 'Content-Type: application/json' http://localhost:8080/greeter/hello
 * {"greeting":"Hello John"}
 * $ curl -N -H 'Accept: text/event-stream' -d $'{"name":"Ann"}\n{"name":"Bob"}' http://localhost:8080/greeter/chat
 * data: {"greeting":"Hello Ann"}
 * ...
 * }</pre>
 *
 * <p>Methods run on the runtime's worker threads (they return a {@link Response}, read an {@link InputStream} and
 * wait for the call): never on an event loop.
 */
@Path("/")
@ApplicationScoped
public class GatewayResource {

    private final HttpFront front;

    @Inject
    public GatewayResource(Gateway gateway) {
        this.front = new HttpFront(gateway);
    }

    @GET
    @Path("{path: .*}")
    public Response get(@Context UriInfo uri, @Context HttpHeaders headers) throws IOException {
        return serve("GET", uri, headers, null);
    }

    @POST
    @Path("{path: .*}")
    public Response post(@Context UriInfo uri, @Context HttpHeaders headers, InputStream body) throws IOException {
        return serve("POST", uri, headers, body);
    }

    @PUT
    @Path("{path: .*}")
    public Response put(@Context UriInfo uri, @Context HttpHeaders headers, InputStream body) throws IOException {
        return serve("PUT", uri, headers, body);
    }

    @PATCH
    @Path("{path: .*}")
    public Response patch(@Context UriInfo uri, @Context HttpHeaders headers, InputStream body) throws IOException {
        return serve("PATCH", uri, headers, body);
    }

    @DELETE
    @Path("{path: .*}")
    public Response delete(@Context UriInfo uri, @Context HttpHeaders headers, InputStream body) throws IOException {
        return serve("DELETE", uri, headers, body);
    }

    /** A CORS preflight: answered here, never passed on to a service. */
    @OPTIONS
    @Path("{path: .*}")
    public Response preflight(@Context UriInfo uri, @Context HttpHeaders headers) throws IOException {
        return serve("OPTIONS", uri, headers, null);
    }

    private Response serve(String method, UriInfo uri, HttpHeaders headers, InputStream in) throws IOException {
        HttpFront.Answer a = front.serve(method, "/" + uri.getPath().replaceFirst("^/", ""),
                uri.getRequestUri().getRawQuery(), headers.getRequestHeaders(), in);
        if (a.events() == null) {
            return Replies.toResponse(a.head());
        }
        StreamingOutput events = a.events()::writeTo;
        Response.ResponseBuilder b = Response.ok(events, a.head().contentType());
        a.head().headers().forEach(b::header);
        return b.build();
    }
}
