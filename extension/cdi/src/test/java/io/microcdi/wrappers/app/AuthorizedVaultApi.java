package io.microcdi.wrappers.app;

import io.microcdi.annotation.Endpoint;
import io.microcdi.annotation.Wrap;
import io.microcdi.wrappers.BearerTokenWrapper;

/** {@link Vault} with {@code micro.auth.token}. */
@Wrap(BearerTokenWrapper.class)
@Endpoint("Vault")
public interface AuthorizedVaultApi {

    Words open();
}
