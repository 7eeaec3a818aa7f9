package io.microcdi.examples.wrappers;

import io.microcdi.annotation.MicroClient;
import io.microcdi.config.MicroConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;

/**
 * The client of the example: calls the frontend once through an injected {@code @MicroClient} and reports what
 * every hop saw.
 *
 * <pre>{@code
 * CallReport report = caller.call();   // client -> frontend -> backend
 * }</pre>
 */
@ApplicationScoped
public class Caller {

    @Inject
    @MicroClient("frontend")
    FrontendApi frontend;

    @Inject
    RequestIdWrapper requestIds;

    @Inject
    MicroConfig config;

    /** Calls {@code Frontend.Relay}; fails with the {@code MicroException} of the first hop that refused. */
    public CallReport call() {
        RelayReply reply = frontend.relay();
        var sent = requestIds.lastSent();
        long timeoutMs = config.duration("micro.client.request-timeout", Duration.ofSeconds(5)).toMillis();
        return new CallReport(new ClientView(sent.getOrDefault("X-Request-Id", ""),
                sent.getOrDefault("traceparent", ""), timeoutMs), reply.frontend(), reply.backend());
    }
}
