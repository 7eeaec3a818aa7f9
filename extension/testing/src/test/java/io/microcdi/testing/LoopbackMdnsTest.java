package io.microcdi.testing;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class LoopbackMdnsTest {

    @Test
    void theSettingsBindMdnsToLoopbackAndLoopbackMulticastWorksHere() {
        assertThat(LoopbackMdns.settings()).containsExactly(
                java.util.Map.entry("micro.registry.mdns.interface", "127.0.0.1"));
        assertThat(LoopbackMdns.multicastProblem(Duration.ofSeconds(2))).isEmpty();
        LoopbackMdns.assertMulticastWorks();
    }
}
