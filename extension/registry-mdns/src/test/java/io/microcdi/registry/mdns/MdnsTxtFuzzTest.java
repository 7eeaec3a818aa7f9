package io.microcdi.registry.mdns;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.microcdi.registry.Endpoint;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target for what any host on the link can send: a node's mDNS TXT record. It is read into a node or ignored
 * ({@code null}); nothing else may come out of it, whatever the bytes. The input's first byte says whether the record
 * came with an address of its own to fall back on (bit 0), the rest is the TXT record's bytes. Replayed by the test
 * command from the saved inputs under {@code src/test/resources/io/microcdi/registry/mdns/MdnsTxtFuzzTestInputs}
 * (seeds: a greeter's record with its endpoints plain and compressed, which the keys' lookups by name would keep a
 * blind mutator from ever finding); fuzzed with {@code JAZZER_FUZZ=1} (see {@code scripts/fuzz}).
 */
class MdnsTxtFuzzTest {

    private static final String FALLBACK = "127.0.0.1:8080";

    @FuzzTest(maxDuration = "10m")
    void txtRecord(byte[] data) {
        decode(data);
    }

    /** The seeds are what they say: whole records of a node with its endpoint, or the target is fuzzing blind. */
    @Test
    void theSeedsDecodeToAGreeterNodeWithItsEndpoint() throws IOException {
        for (String seed : List.of("seed-endpoints", "seed-compressed-endpoints-fallback-address")) {
            byte[] data;
            try (InputStream in = getClass().getResourceAsStream("MdnsTxtFuzzTestInputs/txtRecord/" + seed)) {
                data = in.readAllBytes();
            }
            MdnsTxt.Advert advert = decode(data);
            assertThat(advert).as(seed).isNotNull();
            assertThat(advert.service().name()).isEqualTo("greeter");
            assertThat(advert.node().address()).isEqualTo(FALLBACK);
            assertThat(advert.service().endpoints()).extracting(Endpoint::name).containsExactly("Greeter.Hello");
        }
    }

    private static MdnsTxt.Advert decode(byte[] data) {
        if (data.length == 0) {
            return null;
        }
        String fallback = (data[0] & 1) == 0 ? null : FALLBACK;
        MdnsTxt.Advert advert = MdnsTxt.decode("greeter-1", Arrays.copyOfRange(data, 1, data.length), fallback);
        if (advert != null) {
            assertThat(advert.service().nodes()).hasSize(1);
            assertThat(advert.service().name()).isNotEmpty();
            assertThat(advert.node().address()).isNotEmpty();
            assertThat(advert.ttl()).isNotNull();
        }
        return advert;
    }
}
