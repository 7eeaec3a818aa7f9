package io.microcdi.examples.wrappers;

import io.microcdi.context.CallContext;
import io.microcdi.errors.MicroException;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import org.eclipse.microprofile.config.Config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A plain CDI interceptor guarding a service: it reads the caller's {@code Authorization} header from the
 * {@link CallContext} and answers 401, in Go Micro's error shape, unless it is {@code Bearer <example.token>}.
 *
 * <pre>{@code
 * {"id":"backend.auth","code":401,"detail":"Backend.Inspect needs Authorization: Bearer <example.token>",
 *  "status":"Unauthorized"}
 * }</pre>
 */
@RequireToken
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
public class AuthInterceptor {

    private final CallContext call;
    private final byte[] expected;

    @Inject
    AuthInterceptor(CallContext call, Config config) {
        this.call = call;
        this.expected = ("Bearer " + config.getValue("example.token", String.class)).getBytes(StandardCharsets.UTF_8);
    }

    @AroundInvoke
    Object authorize(InvocationContext invocation) throws Exception {
        String authorization = call.metadata().get("Authorization");
        if (authorization == null
                || !MessageDigest.isEqual(expected, authorization.getBytes(StandardCharsets.UTF_8))) {
            throw MicroException.unauthorized("backend.auth", "%s needs Authorization: Bearer <example.token>",
                    call.endpoint());
        }
        return invocation.proceed();
    }
}
