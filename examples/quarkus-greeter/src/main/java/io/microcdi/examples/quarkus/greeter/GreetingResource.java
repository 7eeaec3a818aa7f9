package io.microcdi.examples.quarkus.greeter;

import io.microcdi.annotation.MicroClient;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * A REST endpoint (Quarkus REST) that calls the greeter through a {@code @MicroClient}: the greeter of this process
 * or of any other that registered as {@code greeter}, a Weld SE one included.
 *
 * <pre>{@code
 * curl -s http://localhost:8080/hello/John      # Hello John
 * }</pre>
 */
@Path("/hello")
public class GreetingResource {

    @Inject
    @MicroClient("greeter")
    GreeterApi greeter;

    /** Greets {@code name} through the greeter service. */
    @GET
    @Path("/{name}")
    @Produces(MediaType.TEXT_PLAIN)
    public String hello(@PathParam("name") String name) {
        return greeter.hello(new HelloRequest(name)).greeting();
    }
}
