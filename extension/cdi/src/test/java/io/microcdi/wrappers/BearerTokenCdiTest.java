package io.microcdi.wrappers;

import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.wrappers.app.Callers;
import io.microcdi.wrappers.app.Vault;
import io.microcdi.wrappers.app.VaultApi;
import io.microcdi.wrappers.app.Words;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link BearerTokenInterceptor} and {@link BearerTokenWrapper} over HTTP on loopback. */
class BearerTokenCdiTest {

    private static final String RIGHT = "s3cret-token-A";
    private static final String OTHER = "s3cret-token-B";
    private static final String WRONG = "wr0ng-token";

    private final WeldBoot weld = new WeldBoot();
    private final LogLines log = LogLines.open();

    @AfterEach
    void close() {
        log.close();
        weld.close();
    }

    private void start() {
        weld.start(Map.of("micro.auth.tokens", RIGHT + ", " + OTHER, "micro.auth.token", RIGHT), Vault.class,
                Callers.class, BearerTokenInterceptor.class, LoggingInterceptor.class);
    }

    private static Words open(VaultApi vault, String authorization) {
        return WeldBoot.handling("frontend", Metadata.of("Authorization", authorization), vault::open);
    }

    @Test
    void withoutOrWithAWrongTokenTheAnswerIs401InGoMicrosShape() {
        start();
        VaultApi vault = weld.bean(Callers.class).vault();

        assertThatThrownBy(vault::open).isInstanceOfSatisfying(MicroException.class, this::unauthorized);
        assertThatThrownBy(() -> open(vault, "Bearer " + WRONG))
                .isInstanceOfSatisfying(MicroException.class, this::unauthorized);
        assertThatThrownBy(() -> open(vault, "Basic " + RIGHT))
                .isInstanceOfSatisfying(MicroException.class, this::unauthorized);
        assertThatThrownBy(() -> open(vault, "Bearer " + RIGHT + "x"))
                .isInstanceOfSatisfying(MicroException.class, this::unauthorized);

        assertThat(log.containing("Vault.Open")).hasSize(4).allSatisfy(l -> assertThat(l)
                .startsWith("WARNING vault Vault.Open")
                .contains("failed 401 Unauthorized: missing or invalid bearer token")
                .doesNotContain(WRONG).doesNotContain(RIGHT));
    }

    private void unauthorized(MicroException e) {
        assertThat(e.id()).isEqualTo("vault");
        assertThat(e.code()).isEqualTo(401);
        assertThat(e.detail()).isEqualTo("missing or invalid bearer token");
        assertThat(e.status()).isEqualTo("Unauthorized");
    }

    @Test
    void anyConfiguredTokenOpens() {
        start();
        VaultApi vault = weld.bean(Callers.class).vault();

        assertThat(open(vault, "Bearer " + RIGHT).text()).isEqualTo("opened");
        assertThat(open(vault, "bearer " + OTHER).text()).isEqualTo("opened");
    }

    @Test
    void theClientWrapperSendsTheConfiguredToken() {
        start();

        assertThat(weld.bean(Callers.class).authorizedVault().open().text()).isEqualTo("opened");
        assertThat(log.lines()).noneMatch(l -> l.contains(RIGHT));
    }

    @Test
    void aGuardedBeanWithoutTokensStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> weld.start(Map.of(), Vault.class, BearerTokenInterceptor.class))
                .hasStackTraceContaining("micro.auth.tokens");
    }

    @Test
    void aClientNamingTheWrapperWithoutATokenFailsNamingTheKey() {
        weld.start(Map.of("micro.auth.tokens", RIGHT), Vault.class, Callers.class, BearerTokenInterceptor.class);

        assertThatThrownBy(() -> weld.bean(Callers.class).authorizedVault())
                .hasStackTraceContaining("micro.auth.token=");
    }
}
