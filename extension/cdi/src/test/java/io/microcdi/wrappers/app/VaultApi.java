package io.microcdi.wrappers.app;

import io.microcdi.annotation.Endpoint;

/** {@link Vault} without a token. */
@Endpoint("Vault")
public interface VaultApi {

    Words open();
}
