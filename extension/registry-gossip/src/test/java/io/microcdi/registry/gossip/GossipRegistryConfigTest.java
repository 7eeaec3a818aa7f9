package io.microcdi.registry.gossip;

import io.microcdi.config.ConfigException;
import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Registry;
import io.microcdi.registry.RegistryProvider;
import io.microcdi.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The keys of the gossip registry: their defaults, and a bad value of each failing at start with its key. */
class GossipRegistryConfigTest {

    @Test
    void defaultsKeepTheMemberOnLoopbackOnAnyPortAlone() {
        GossipRegistryConfig c = GossipRegistryConfig.defaults();

        assertThat(c.bind().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isZero();
        assertThat(c.advertiseHost()).isNull();
        assertThat(c.seeds()).isEmpty();
        assertThat(c.gossipInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.pingInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.pingTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.suspicionMultiplier()).isEqualTo(3);
        assertThat(c.syncInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.secret()).isNull();
        assertThat(c.maxMetadataSize()).isEqualTo(1 << 20);
        assertThat(c.removalTime(5)).as("the page's figure for five members").isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void everyKeyIsRead() {
        GossipRegistryConfig c = GossipRegistryConfig.from(MicroConfig.of(Map.ofEntries(
                Map.entry(GossipRegistryConfig.BIND, "0.0.0.0"),
                Map.entry(GossipRegistryConfig.PORT, "7946"),
                Map.entry(GossipRegistryConfig.ADVERTISE, "gossip-1.example.org:17946"),
                Map.entry(GossipRegistryConfig.SEEDS, "10.0.0.5:7946, seed.example.org:7947"),
                Map.entry(GossipRegistryConfig.GOSSIP_INTERVAL, "100ms"),
                Map.entry(GossipRegistryConfig.PING_INTERVAL, "2s"),
                Map.entry(GossipRegistryConfig.PING_TIMEOUT, "1s"),
                Map.entry(GossipRegistryConfig.SUSPICION_MULTIPLIER, "5"),
                Map.entry(GossipRegistryConfig.SYNC_INTERVAL, "30s"),
                Map.entry(GossipRegistryConfig.SECRET, "0123456789abcdef"),
                Map.entry(GossipRegistryConfig.MAX_METADATA_SIZE, "4m"))));

        assertThat(c.bind().isAnyLocalAddress()).isTrue();
        assertThat(c.port()).isEqualTo(7946);
        assertThat(c.advertiseHost()).isEqualTo("gossip-1.example.org");
        assertThat(c.advertisePort()).isEqualTo(17946);
        assertThat(c.seeds()).containsExactly(InetSocketAddress.createUnresolved("10.0.0.5", 7946),
                InetSocketAddress.createUnresolved("seed.example.org", 7947));
        assertThat(c.gossipInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.pingInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.pingTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.suspicionMultiplier()).isEqualTo(5);
        assertThat(c.syncInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.secret()).isEqualTo("0123456789abcdef");
        assertThat(c.maxMetadataSize()).isEqualTo(4 << 20);
        assertThat(c.toString()).as("the secret is never printed").doesNotContain("0123456789abcdef");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "micro.registry.gossip.bind | localhost | an IPv4 address of this host",
            "micro.registry.gossip.bind | 192.0.2.1 | is not an address of this host",
            "micro.registry.gossip.port | 70000 | 65535",
            "micro.registry.gossip.advertise | host:0 | host:port",
            "micro.registry.gossip.seeds | 10.0.0.5 | 10.0.0.5 is not one",
            "micro.registry.gossip.seeds | 10.0.0.5:7946,:7946 | :7946 is not one",
            "micro.registry.gossip.gossip-interval | soon | ",
            "micro.registry.gossip.ping-timeout | 1s | shorter than micro.registry.gossip.ping-interval",
            "micro.registry.gossip.suspicion-multiplier | 0 | ",
            "micro.registry.gossip.secret | short | at least 16 characters",
            "micro.registry.gossip.max-metadata-size | 100 | from 1k to 64m",
    })
    void aBadValueFailsNamingItsKey(String key, String value, String expected) {
        MicroConfig config = MicroConfig.of(Map.of(key, value));

        assertThatThrownBy(() -> GossipRegistryConfig.from(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(key + "=")
                .hasMessageContaining(expected == null ? "expected" : expected);
        if (key.endsWith(".secret")) {
            assertThatThrownBy(() -> GossipRegistryConfig.from(config)).hasMessageNotContaining(value + " ");
        }
    }

    @Test
    void aPortTakenFailsTheStartNamingTheKey() {
        try (GossipRegistry first = new GossipRegistry(GossipRegistryConfig.defaults()
                .withPort(FreePorts.one()))) {
            int taken = first.seedAddress().getPort();
            assertThatThrownBy(() -> new GossipRegistry(GossipRegistryConfig.defaults().withPort(taken)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(GossipRegistryConfig.PORT + "=" + taken)
                    .hasMessageContaining("a port free on 127.0.0.1");
        }
    }

    @Test
    void theProviderIsFoundByNameAndStartsAMemberFromTheKeys() {
        RegistryProvider provider = ServiceLoader.load(RegistryProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("gossip")).findFirst().orElseThrow();

        try (Registry r = provider.create(MicroConfig.of(Map.of(GossipRegistryConfig.PING_INTERVAL, "2s")))) {
            assertThat(r).isInstanceOf(GossipRegistry.class);
            assertThat(r.name()).isEqualTo("gossip");
            assertThat(((GossipRegistry) r).config().pingInterval()).isEqualTo(Duration.ofSeconds(2));
            assertThat(((GossipRegistry) r).memberAddress()).startsWith("127.0.0.1:");
        }
    }

    @Test
    void seedsAreGivenBack() {
        GossipRegistryConfig c = GossipRegistryConfig.defaults()
                .withSeeds(List.of(InetSocketAddress.createUnresolved("127.0.0.1", 7946)));
        assertThat(c.seeds()).hasSize(1);
        assertThat(c.withSecret("0123456789abcdef0").secret()).isEqualTo("0123456789abcdef0");
    }
}
