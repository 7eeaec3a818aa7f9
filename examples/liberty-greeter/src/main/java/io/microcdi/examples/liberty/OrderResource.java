package io.microcdi.examples.liberty;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code POST /api/orders/{count}} publishes that many orders; {@code GET /api/orders} tells how many this
 * application received.
 *
 * <pre>{@code
 * curl -s -X POST http://127.0.0.1:9080/api/orders/3
 * # published=3
 * curl -s http://127.0.0.1:9080/api/orders
 * # received=3 last=3
 * }</pre>
 */
@Path("/orders")
@RequestScoped
public class OrderResource {

    @Inject
    Orders orders;

    @POST
    @Path("/{count}")
    @Produces(MediaType.TEXT_PLAIN)
    public String publish(@PathParam("count") int count) {
        orders.publish(count);
        return "published=" + count;
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String received() {
        return "received=" + orders.received() + " last=" + orders.lastId();
    }
}
