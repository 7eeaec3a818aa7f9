package io.microcdi.examples.liberty;

import io.microcdi.annotation.MicroClient;
import io.microcdi.errors.MicroException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /api/hello/{name}}: greets through the {@code greeter} service, wherever it runs (this WAR, a Weld SE
 * process, a Go Micro node), found in the registry.
 *
 * <pre>{@code
 * curl -s http://127.0.0.1:9080/api/hello/John
 * # Hello John
 * }</pre>
 */
@Path("/hello")
@RequestScoped
public class GreetingResource {

    @Inject
    @MicroClient("greeter")
    GreeterApi greeter;

    @GET
    @Path("/{name}")
    @Produces(MediaType.TEXT_PLAIN)
    public Response hello(@PathParam("name") String name) {
        try {
            return Response.ok(greeter.hello(new HelloRequest(name)).greeting()).build();
        } catch (MicroException e) {
            // the service's error, as Go Micro's fields: its status, and its detail for a reader
            return Response.status(e.code()).entity(e.id() + ": " + e.detail()).build();
        }
    }
}
