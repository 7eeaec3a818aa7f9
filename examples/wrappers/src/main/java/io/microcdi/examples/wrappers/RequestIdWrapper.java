package io.microcdi.examples.wrappers;

import io.microcdi.client.CallFunc;
import io.microcdi.client.CallWrapper;
import io.microcdi.metadata.Metadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A client wrapper: every attempt of a call gets a fresh {@code X-Request-Id} and the bearer token
 * ({@code Authorization: Bearer <example.token>}; none when {@code example.send-token=false}). The frontend never sets
 * either: both travel on to the backend in its call context.
 *
 * <pre>{@code
 * @Wrap(RequestIdWrapper.class)                 // only the clients that name it
 * public interface FrontendApi { RelayReply relay(); }
 * }</pre>
 *
 * <p>It also keeps the metadata of the last attempt, for the example's printout of what the client sent (with the
 * {@code traceparent} of the attempt's span: the built-in trace wrapper runs outside this one).
 */
@ApplicationScoped
public class RequestIdWrapper implements CallWrapper {

    @Inject
    Config config;

    private final AtomicReference<Metadata> lastSent = new AtomicReference<>(Metadata.empty());

    @Override
    public CallFunc wrap(CallFunc next) {
        // read once per client, not per call
        boolean sendToken = config.getOptionalValue("example.send-token", Boolean.class).orElse(true);
        String authorization = sendToken ? "Bearer " + config.getValue("example.token", String.class) : null;
        return (node, request, options) -> {
            Metadata.Builder md = request.metadata().toBuilder(2).put("X-Request-Id", UUID.randomUUID().toString());
            if (authorization != null) {
                md.put("Authorization", authorization);
            }
            Metadata sent = md.build();
            lastSent.set(sent);
            return next.call(node, request.withMetadata(sent), options);
        };
    }

    /** The metadata the last attempt went out with (the wrappers inside this one may add more). */
    public Metadata lastSent() {
        return lastSent.get();
    }
}
