package io.microcdi.registry.etcd;

import io.microcdi.registry.Endpoint;
import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.registry.Value;
import io.microcdi.testing.registry.RegistryContract;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Go Micro's etcd key and value, byte for byte (go-micro v1.12 {@code registry/etcd}, seen live against etcd 3.4). */
class EtcdLayoutTest {

    /** What Go Micro v1.12 writes for its greeter: Go's encoding/json of registry.Service with one node. */
    static final String GO_VALUE = "{\"name\":\"greeter\",\"version\":\"2026.12.07.05.01\",\"metadata\":null,"
            + "\"endpoints\":[{\"name\":\"Greeter.Hello\","
            + "\"request\":{\"name\":\"Request\",\"type\":\"Request\",\"values\":[{\"name\":\"name\",\"type\":\"string\","
            + "\"values\":null}]},"
            + "\"response\":{\"name\":\"Response\",\"type\":\"Response\",\"values\":[{\"name\":\"greeting\","
            + "\"type\":\"string\",\"values\":null}]},"
            + "\"metadata\":{\"stream\":\"false\"}}],"
            + "\"nodes\":[{\"id\":\"greeter-0b5e7a4c-1f0e-4c55-9d43-5a4b5e1c2d3f\",\"address\":\"127.0.0.1:18181\","
            + "\"metadata\":{\"broker\":\"http\",\"protocol\":\"mucp\",\"registry\":\"etcd\",\"server\":\"mucp\","
            + "\"transport\":\"http\"}}]}";

    static final Service GO_SERVICE = new Service("greeter", "2026.12.07.05.01", Map.of(),
            List.of(new Endpoint("Greeter.Hello",
                    new Value("Request", "Request", List.of(new Value("name", "string", List.of()))),
                    new Value("Response", "Response", List.of(new Value("greeting", "string", List.of()))),
                    Map.of("stream", "false"))),
            List.of(new Node("greeter-0b5e7a4c-1f0e-4c55-9d43-5a4b5e1c2d3f", "127.0.0.1:18181",
                    Map.of("transport", "http", "server", "mucp", "registry", "etcd", "protocol", "mucp",
                            "broker", "http"))));

    private final EtcdLayout layout = new EtcdLayout(EtcdRegistryConfig.DEFAULT_PREFIX);

    @Test
    void theKeyIsPrefixServiceAndNodeIdWithSlashesAsDashes() {
        assertThat(layout.key("greeter", "greeter-0b5e")).isEqualTo("/micro/registry/greeter/greeter-0b5e");
        assertThat(layout.key("go.micro.srv/greeter", "a/b")).isEqualTo("/micro/registry/go.micro.srv-greeter/a-b");
        assertThat(layout.servicePrefix("a/b")).isEqualTo("/micro/registry/a-b/");
    }

    @Test
    void theValueIsWhatGoMicroWritesByteForByte() {
        assertThat(EtcdLayout.encode(GO_SERVICE, GO_SERVICE.nodes().get(0))).isEqualTo(GO_VALUE);
    }

    @Test
    void goMicrosValueReadsAsTheService() {
        assertThat(EtcdLayout.decode(GO_VALUE)).isEqualTo(GO_SERVICE);
    }

    @Test
    void onlyTheOneNodeIsWrittenAndStringsAreEscapedAsGoEscapesThem() {
        Node a = new Node("n-1", "127.0.0.1:1", Map.of("note", "<a&b> \"q\" \u2028"));
        Node b = new Node("n-2", "127.0.0.1:2", Map.of());
        Service s = new Service("s", "1", Map.of("z", "1", "a", "2"), List.of(), List.of(a, b));

        String value = EtcdLayout.encode(s, b);

        assertThat(value).isEqualTo("{\"name\":\"s\",\"version\":\"1\",\"metadata\":{\"a\":\"2\",\"z\":\"1\"},"
                + "\"endpoints\":null,\"nodes\":[{\"id\":\"n-2\",\"address\":\"127.0.0.1:2\",\"metadata\":null}]}");
        assertThat(EtcdLayout.encode(s, a)).contains("\"note\":\"\\u003ca\\u0026b\\u003e \\\"q\\\" \\u2028\"");
        assertThat(EtcdLayout.decode(EtcdLayout.encode(s, a))).isEqualTo(s.withNodes(List.of(a)));
    }

    @Test
    void largeServicesRoundTrip() {
        Service s = new Service("big", "2.0", Map.of("k", "v"), RegistryContract.endpoints(40, 6),
                List.of(RegistryContract.node("big")));
        assertThat(EtcdLayout.decode(EtcdLayout.encode(s, s.nodes().get(0)))).isEqualTo(s);
    }

    @Test
    void aValueMissingFieldsReadsAsGoReadsIt() {
        assertThat(EtcdLayout.decode("{\"name\":\"x\",\"nodes\":[{\"id\":\"x-1\"}],\"extra\":[1,2]}"))
                .isEqualTo(new Service("x", "", Map.of(), List.of(), List.of(new Node("x-1", "", Map.of()))));
    }

    @Test
    void whatIsNotAServiceIsSkipped() {
        assertThat(EtcdLayout.decode("not json")).isNull();
        assertThat(EtcdLayout.decode("[1]")).isNull();
        assertThat(EtcdLayout.decode("{\"version\":\"1\"}")).isNull();
        assertThat(EtcdLayout.decode("")).isNull();
    }
}
