package io.microcdi.wrappers.app;

import io.microcdi.annotation.Service;
import io.microcdi.wrappers.BearerToken;
import io.microcdi.wrappers.Logged;
import jakarta.inject.Singleton;

/** Guarded by a bearer token, and logged. */
@Service(name = "vault")
@BearerToken
@Logged
@Singleton
public class Vault {

    public Words open() {
        return new Words("opened");
    }
}
