package io.microcdi.wrappers;

import io.microcdi.client.CallFunc;
import io.microcdi.client.CallWrapper;
import io.microcdi.config.MicroConfig;

/**
 * Sends {@code Authorization: Bearer <token>} with each attempt of a call, the token being {@code micro.auth.token},
 * unless the request already has an {@code Authorization} (its own, or the one of the call being handled, which
 * travels on as metadata).
 *
 * <pre>{@code
 * @Wrap(BearerTokenWrapper.class)          // micro.auth.token=s3cret; micro.client.wrappers=auth: every client
 * public interface BillingApi { Invoice charge(Order order); }
 * }</pre>
 *
 * <p>Not a bean (it has no scope), so it never applies to every client by discovery: {@code @Wrap} and
 * {@code micro.client.wrappers} make it from the configuration when they name it. The token is never logged.
 */
public final class BearerTokenWrapper implements CallWrapper {

    /** The token to send. */
    public static final String TOKEN = "micro.auth.token";

    private final String authorization;

    /** Sends {@code token}. */
    public BearerTokenWrapper(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("token: blank (expected: a bearer token)");
        }
        this.authorization = "Bearer " + token.trim();
    }

    /** Sends {@code micro.auth.token}; fails naming the key when it is not set. */
    public static BearerTokenWrapper fromConfig(MicroConfig config) {
        return new BearerTokenWrapper(config.get(TOKEN).orElseThrow(() -> MicroConfig.invalid(TOKEN, "",
                "the bearer token that BearerTokenWrapper sends")));
    }

    @Override
    public CallFunc wrap(CallFunc next) {
        return (node, request, options) -> next.call(node, request.metadata().contains("Authorization") ? request
                : request.withMetadata(request.metadata().with("Authorization", authorization)), options);
    }

    @Override
    public String toString() {
        return "BearerTokenWrapper"; // never the token
    }
}
