package io.microcdi.broker.http;

import io.microcdi.broker.delivery.BrokerJson;
import io.microcdi.broker.delivery.Delivery;
import io.microcdi.broker.delivery.Publication;
import io.microcdi.errors.ErrorJson;
import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Exchange;
import io.microcdi.transport.Message;
import io.microcdi.transport.Transport;

import java.lang.System.Logger.Level;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Go Micro's {@code POST /_sub?id=<subscription>}: takes a delivery off the I/O thread, reads the message and runs the
 * subscriber on a worker, and answers once it accepted the message.
 *
 * <pre>{@code
 * Listener l = transport.listen("127.0.0.1:0", new SubEndpoint(subscriptions::get, workers));
 * }</pre>
 *
 * <p>Answers: {@code 200} accepted (empty body); {@code 405} not a POST; {@code 404} another path, or no such
 * subscription here (it was unsubscribed, or the publisher's view is stale), or one of another topic; {@code 400} a
 * body that is not a broker message, or one without {@code :topic}; the subscriber's own code when it threw a
 * {@code MicroException} (400 for a payload its codec cannot read, say), else {@code 500}: the subscriber failed, with its
 * error as Go Micro error JSON; {@code 503} the workers' queue is full. None of them stops the listener. Go Micro's
 * own receiver answers {@code 405} to other methods, {@code 500} to a malformed body and {@code 200} to anything else,
 * whatever its subscriber did; its publisher ignores the status, so both interoperate.
 */
final class SubEndpoint implements Transport.Handler {

    static final String PATH = "/_sub";

    private static final System.Logger LOG = System.getLogger(SubEndpoint.class.getName());
    private static final Message ACCEPTED = new Message(Metadata.empty(), new byte[0]);

    private final Map<String, HttpSubscription> subscriptions;
    private final Executor workers;

    SubEndpoint(Map<String, HttpSubscription> subscriptions, Executor workers) {
        this.subscriptions = subscriptions;
        this.workers = workers;
    }

    /** On an I/O thread: checks the request line, and hands the rest to a worker. */
    @Override
    public void handle(Exchange exchange) {
        if (!"POST".equals(exchange.method())) {
            error(exchange, 405, MicroException.methodNotAllowed(Publication.ID,
                    "method %s not allowed (expected: POST)", exchange.method()));
            return;
        }
        String target = exchange.path();
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        if (!path.equals(PATH)) {
            error(exchange, 404, MicroException.notFound(Publication.ID, "path %s (expected: %s)", path, PATH));
            return;
        }
        String id = q < 0 ? null : queryParameter(target.substring(q + 1), "id");
        HttpSubscription subscription = id == null ? null : subscriptions.get(id);
        if (subscription == null) {
            error(exchange, 404, MicroException.notFound(Publication.ID, "no subscription %s here",
                    id == null ? "(no id given)" : id));
            return;
        }
        try {
            workers.execute(() -> deliver(exchange, subscription));
        } catch (RejectedExecutionException e) {
            error(exchange, 503, new MicroException(Publication.ID, "subscribers busy: their queue is full", 503));
        }
    }

    /** On a worker: reads the message, runs the subscriber, answers. */
    private void deliver(Exchange exchange, HttpSubscription subscription) {
        SubMessage.Received received;
        try {
            received = SubMessage.decode(exchange.request().body());
        } catch (BrokerJson.MalformedException e) {
            error(exchange, 400, MicroException.badRequest(Publication.ID, "malformed broker message: %s",
                    e.getMessage()));
            return;
        }
        if (!received.topic().equals(subscription.topic())) {
            error(exchange, 404, MicroException.notFound(Publication.ID, "subscription %s is to topic %s, not %s",
                    subscription.id(), subscription.topic(), received.topic()));
            return;
        }
        Delivery delivery = subscription.delivery(received.message());
        delivery.run();
        delivery.outcome().whenComplete((ok, failure) -> {
            if (failure == null) {
                exchange.reply(200, ACCEPTED);
            } else {
                MicroException e = subscriberError(subscription, failure);
                // the status says what the error says: a subscriber that refused the message (400: its payload
                // does not decode, 415: no codec for its content type) answers that, not a 500 carrying it
                error(exchange, e.code() >= 400 && e.code() < 600 ? e.code() : 500, e);
            }
        });
    }

    /** What the publisher learns of a subscriber that threw: its own error as is, anything else as a 500. */
    private static MicroException subscriberError(HttpSubscription subscription, Throwable failure) {
        Throwable e = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        if (e instanceof MicroException m) {
            return m;
        }
        LOG.log(Level.DEBUG, "subscriber of " + subscription.topic() + " failed", e);
        return MicroException.internalServerError(Publication.ID, "subscriber failed: %s",
                e.getMessage() == null ? e.toString() : e.getMessage());
    }

    /** Answers {@code status} with {@code e} as Go Micro error JSON. */
    private static void error(Exchange exchange, int status, MicroException e) {
        exchange.reply(status, new Message(Metadata.of("Content-Type", "application/json"), ErrorJson.bytes(e)));
    }

    /** The first value of {@code name} in a query string, decoded, or {@code null}. */
    static String queryParameter(String query, String name) {
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                try {
                    return URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException malformed) {
                    return null;
                }
            }
        }
        return null;
    }
}
