package io.microcdi.registry.mdns;

import io.microcdi.registry.Endpoint;
import io.microcdi.registry.Node;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Service;
import io.microcdi.registry.Value;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MdnsTxtTest {

    static final String ID = "greeter-5f1c7a3e-0000-4000-8000-000000000001";

    static List<Endpoint> endpoints(int count) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Value request = new Value("HelloRequest", "HelloRequest", List.of(
                    new Value("name", "string", List.of()),
                    new Value("greeting", "Greeting", List.of(new Value("text", "string", List.of()),
                            new Value("lang", "string", List.of())))));
            Value response = new Value("HelloResponse", "HelloResponse", List.of(new Value("msg", "string",
                    List.of())));
            endpoints.add(new Endpoint("Greeter.Hello" + i, request, response, Map.of("stream", "false")));
        }
        return endpoints;
    }

    static Service service(List<Endpoint> endpoints, Node node) {
        return new Service("greeter", "1.0.0", Map.of("ignored", "service-level"), endpoints, List.of(node));
    }

    static Node node() {
        return new Node(ID, "127.0.0.1:38211", Map.of("protocol", "mucp", "transport", "http", "registry", "mdns",
                "ünïcode", "välue"));
    }

    @Test
    void roundTripsNodeMetadataAndEndpointsLongerThanOneTxtString() {
        Node node = node();
        List<Endpoint> endpoints = endpoints(2);
        MdnsTxt.Encoded encoded = MdnsTxt.encode(service(endpoints, node), node, 60, 42);

        Map<String, String> entries = MdnsTxt.parse(encoded.text());
        String json = entries.get("ep.0") + entries.get("ep.1") + entries.getOrDefault("ep.2", "");
        MdnsTxt.Advert advert = MdnsTxt.decode(encoded.instance(), encoded.text(), null);

        assertThat(encoded.form()).isEqualTo(MdnsTxt.EndpointForm.PLAIN);
        assertThat(json.length()).isGreaterThan(255);
        assertThat(json).startsWith("[{\"name\":\"Greeter.Hello0\",\"request\":{\"name\":\"HelloRequest\"");
        assertThat(entries).containsEntry("txtvers", "1").containsEntry("service", "greeter")
                .containsEntry("version", "1.0.0").containsEntry("ttl", "60").containsEntry("hb", "42")
                .containsEntry("addr", "127.0.0.1:38211").containsEntry("id", ID)
                .containsEntry("md.protocol", "mucp");
        assertThat(new ArrayList<>(entries.keySet())).startsWith("txtvers", "id", "service", "version", "ttl",
                "addr", "hb");
        assertThat(entries.keySet().stream().filter(k -> k.startsWith("ep.")))
                .allSatisfy(k -> assertThat(entries.get(k).length()).isLessThanOrEqualTo(200));
        assertThat(encoded.instance()).isEqualTo(ID);
        assertThat(encoded.port()).isEqualTo(38211);
        assertThat(advert.service()).isEqualTo(encoded.advertised());
        assertThat(advert.node()).isEqualTo(node);
        assertThat(advert.service().endpoints()).isEqualTo(endpoints);
        assertThat(advert.service().metadata()).as("service metadata is not carried").isEmpty();
        assertThat(advert.ttl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(advert.heartbeat()).isEqualTo(42);
    }

    @Test
    void compressesEndpointsThatDoNotFitAsPlainJsonAndDropsWhatDoesNotFitAtAll() {
        Node node = node();
        List<Endpoint> many = endpoints(8);
        MdnsTxt.Encoded compressed = MdnsTxt.encode(service(many, node), node, 60, 1);
        MdnsTxt.Encoded omitted = MdnsTxt.encode(service(endpoints(400), node), node, 60, 1);

        assertThat(compressed.form()).isEqualTo(MdnsTxt.EndpointForm.COMPRESSED);
        assertThat(compressed.text().length).isLessThanOrEqualTo(MdnsTxt.MAX_TEXT_BYTES);
        assertThat(MdnsTxt.decode(compressed.instance(), compressed.text(), null).service().endpoints())
                .isEqualTo(many);
        assertThat(omitted.form()).isEqualTo(MdnsTxt.EndpointForm.OMITTED);
        assertThat(MdnsTxt.decode(omitted.instance(), omitted.text(), null).service())
                .isEqualTo(omitted.advertised())
                .satisfies(s -> assertThat(s.endpoints()).isEmpty())
                .satisfies(s -> assertThat(s.nodes()).containsExactly(node));
    }

    @Test
    void refusesWhatATxtRecordCannotCarry() {
        Node longValue = new Node(ID, "127.0.0.1:1", Map.of("k", "v".repeat(300)));
        Node equalsInKey = new Node(ID, "127.0.0.1:1", Map.of("a=b", "c"));
        Node noPort = new Node(ID, "127.0.0.1", Map.of());
        Map<String, String> big = new java.util.HashMap<>();
        for (int i = 0; i < 20; i++) {
            big.put("key" + i, "v".repeat(100));
        }
        Node tooMuch = new Node(ID, "127.0.0.1:1", big);

        assertThatThrownBy(() -> MdnsTxt.encode(service(List.of(), longValue), longValue, 1, 1))
                .isInstanceOf(RegistryException.class).hasMessageContaining("md.k").hasMessageContaining("255");
        assertThatThrownBy(() -> MdnsTxt.encode(service(List.of(), equalsInKey), equalsInKey, 1, 1))
                .isInstanceOf(RegistryException.class).hasMessageContaining("'='");
        assertThatThrownBy(() -> MdnsTxt.encode(service(List.of(), noPort), noPort, 1, 1))
                .isInstanceOf(RegistryException.class).hasMessageContaining("host:port");
        assertThatThrownBy(() -> MdnsTxt.encode(service(List.of(), tooMuch), tooMuch, 1, 1))
                .isInstanceOf(RegistryException.class).hasMessageContaining("1300");
    }

    @Test
    void ignoresRecordsThatAreIncompleteOrNotOurs() {
        byte[] empty = {0};
        byte[] foreign = txt("txtvers=1", "path=/printer");
        byte[] future = txt("txtvers=2", "service=greeter", "addr=127.0.0.1:1");
        byte[] minimal = txt("txtvers=1", "service=greeter");

        assertThat(MdnsTxt.decode("x", empty, "127.0.0.1:1")).isNull();
        assertThat(MdnsTxt.decode("x", foreign, "127.0.0.1:1")).isNull();
        assertThat(MdnsTxt.decode("x", future, "127.0.0.1:1")).isNull();
        assertThat(MdnsTxt.decode("x", minimal, null)).as("no address at all").isNull();
        MdnsTxt.Advert fallback = MdnsTxt.decode("greeter-1", minimal, "10.0.0.1:80");
        assertThat(fallback.node()).isEqualTo(new Node("greeter-1", "10.0.0.1:80", Map.of()));
        assertThat(fallback.ttl()).isZero();
    }

    @Test
    void instanceNamesAreSingleDnsLabels() {
        String uuid = "5f1c7a3e-0000-4000-8000-000000000001";
        assertThat(MdnsTxt.instanceName("go.micro.srv.greeter-" + uuid)).isEqualTo("go-micro-srv-greeter-" + uuid);
        String longId = "io.example.orders.fulfillment.backend-" + uuid;
        assertThat(MdnsTxt.instanceName(longId)).hasSize(63).endsWith(uuid).doesNotContain(".");
    }

    private static byte[] txt(String... entries) {
        var out = new java.io.ByteArrayOutputStream();
        for (String e : entries) {
            byte[] b = e.getBytes(StandardCharsets.UTF_8);
            out.write(b.length);
            out.write(b, 0, b.length);
        }
        return out.toByteArray();
    }
}
