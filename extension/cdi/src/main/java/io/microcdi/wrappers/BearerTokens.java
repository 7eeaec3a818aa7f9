package io.microcdi.wrappers;

import io.microcdi.config.MicroConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The bearer tokens of {@code micro.auth.tokens} and the check of an {@code Authorization} header against them: what
 * {@link BearerTokenInterceptor} guards a service with, for other guards of the same tokens (the API gateway's).
 *
 * <pre>{@code
 * BearerTokens tokens = BearerTokens.fromConfig(config);   // micro.auth.tokens=s3cret,r0tated
 * tokens.accepts("Bearer s3cret");                          // true
 * }</pre>
 *
 * <p>Tokens are compared in constant time and never logged.
 */
public final class BearerTokens {

    /** The accepted tokens, comma-separated. */
    public static final String TOKENS = "micro.auth.tokens";

    private static final String SCHEME = "Bearer ";

    private final byte[][] tokens;

    private BearerTokens(byte[][] tokens) {
        this.tokens = tokens;
    }

    /**
     * The tokens of {@code micro.auth.tokens}.
     *
     * @param guarded what the tokens guard, for the message when there is none
     * @throws io.microcdi.config.ConfigException naming {@code micro.auth.tokens} when no token is set: a guarded
     *                                            endpoint is never left open
     */
    public static BearerTokens fromConfig(MicroConfig config, String guarded) {
        List<byte[]> found = new ArrayList<>();
        for (String t : config.get(TOKENS, "").split(",")) {
            if (!t.isBlank()) {
                found.add(t.trim().getBytes(StandardCharsets.UTF_8));
            }
        }
        if (found.isEmpty()) {
            throw MicroConfig.invalid(TOKENS, "", "one or more bearer tokens, comma-separated: " + guarded);
        }
        return new BearerTokens(found.toArray(byte[][]::new));
    }

    /** Whether {@code authorization} (an {@code Authorization} header, may be {@code null}) names a token. */
    public boolean accepts(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        return acceptsToken(authorization.substring(SCHEME.length()));
    }

    /** Whether {@code token} (the token alone, may be {@code null}) is one of the tokens. */
    public boolean acceptsToken(String token) {
        if (token == null) {
            return false;
        }
        byte[] given = token.trim().getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] t : tokens) {
            // every token compared, each in a time that depends on the given length only
            ok |= MessageDigest.isEqual(given, t);
        }
        return ok;
    }

    @Override
    public String toString() {
        return "BearerTokens[" + tokens.length + "]"; // never a token
    }
}
