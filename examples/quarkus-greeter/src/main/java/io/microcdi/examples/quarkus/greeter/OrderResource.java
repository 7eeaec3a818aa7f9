package io.microcdi.examples.quarkus.greeter;

import io.microcdi.annotation.Topic;
import io.microcdi.broker.Publisher;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Orders over MicroCDI's broker, from REST: {@code POST /orders/{count}} publishes orders numbered from {@code from}
 * (default 1) on topic {@code orders}, {@code GET /orders} says what {@link OrderInbox} received.
 *
 * <pre>{@code
 * curl -s -X POST localhost:8080/orders/100     # published=100
 * curl -s localhost:8080/orders                 # received=100 distinct=100
 * }</pre>
 */
@Path("/orders")
public class OrderResource {

    @Inject
    @Topic("${orders.topic:orders}")
    Publisher<OrderPlaced> orders;

    @Inject
    OrderInbox inbox;

    /** Publishes {@code count} orders, one after another; each returns once every queue group accepted it. */
    @POST
    @Path("/{count}")
    @Produces(MediaType.TEXT_PLAIN)
    public String publish(@PathParam("count") int count, @QueryParam("from") @DefaultValue("1") long from) {
        for (long id = from; id < from + count; id++) {
            orders.publish(new OrderPlaced(id, "item-" + id));
        }
        return "published=" + count;
    }

    /** What this instance's {@link OrderInbox} received. */
    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String received() {
        return inbox.summary();
    }
}
