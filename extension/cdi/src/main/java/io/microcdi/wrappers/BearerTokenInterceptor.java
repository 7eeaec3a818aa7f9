package io.microcdi.wrappers;

import io.microcdi.config.MicroConfig;
import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;
import io.microcdi.errors.MicroException;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;


/**
 * Lets a call served or message handled through only with {@code Authorization: Bearer <token>} naming one of the
 * tokens of {@code micro.auth.tokens}; answers anything else with
 * {@code 401 Unauthorized: missing or invalid bearer token} under the service's id. An example of a check, not an
 * identity system: the tokens are shared secrets from configuration.
 *
 * <pre>{@code
 * micro.auth.tokens=s3cret,r0tated      # comma-separated; each one is accepted
 * }</pre>
 *
 * <p>The tokens are read once, when the interceptor is made with the bean it guards: at the start for a
 * {@code @Singleton} or {@code @Dependent} bean, at the first call for a normal-scoped one. Without any token that
 * fails with a {@link io.microcdi.config.ConfigException} naming {@code micro.auth.tokens} (a guarded endpoint is
 * never left open). Tokens are compared in constant time and never logged. It does nothing on a
 * {@code @MicroClient} interface (there {@link BearerTokenWrapper} sends a token), nor on a method called outside
 * any call.
 */
@BearerToken
@Interceptor
@Priority(Interceptor.Priority.LIBRARY_BEFORE + 30)
public class BearerTokenInterceptor {

    /** The accepted tokens, comma-separated. */
    public static final String TOKENS = BearerTokens.TOKENS;

    private final BearerTokens tokens;

    @Inject
    public BearerTokenInterceptor(MicroConfig config) {
        this.tokens = BearerTokens.fromConfig(config, "@BearerToken or micro.server.wrappers=auth guards a bean");
    }

    @AroundInvoke
    Object check(InvocationContext ic) throws Exception {
        CallContext call = CallContexts.current();
        // what the caller sent, whatever an interceptor outside this one changed since
        if (call.active() && !Calls.isClient(ic.getTarget()) && !accepted(call.received().get("Authorization"))) {
            throw new MicroException(call.service().isEmpty() ? "go.micro.server" : call.service(), 401,
                    "missing or invalid bearer token", MicroException.statusText(401));
        }
        return ic.proceed();
    }

    private boolean accepted(String authorization) {
        return tokens.accepts(authorization);
    }
}
