package io.microcdi.registry.mdns;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target for what any host on the link can send: a node's mDNS TXT record. It is read into a node or ignored
 * ({@code null}); nothing else may come out of it, whatever the bytes. Replayed by the test command from the saved
 * inputs under {@code src/test/resources/io/microcdi/registry/mdns/MdnsTxtFuzzTestInputs}; fuzzed with
 * {@code JAZZER_FUZZ=1} (see {@code scripts/fuzz}).
 */
class MdnsTxtFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void txtRecord(FuzzedDataProvider data) {
        String instance = data.consumeString(64);
        String fallback = data.consumeBoolean() ? null : data.consumeString(64);
        byte[] text = data.consumeRemainingAsBytes();

        MdnsTxt.Advert advert = MdnsTxt.decode(instance, text, fallback);

        if (advert != null) {
            assertThat(advert.service().nodes()).hasSize(1);
            assertThat(advert.service().name()).isNotEmpty();
            assertThat(advert.node().address()).isNotEmpty();
            assertThat(advert.ttl()).isNotNull();
        }
    }
}
