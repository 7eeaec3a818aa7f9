package io.microcdi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.microcdi.cdi.MicroLifecycle;
import io.microcdi.cdi.MicroProducers;
import io.microcdi.examples.greeter.Greeter;
import io.microcdi.examples.greeter.ProtoGreeter;
import io.microcdi.registry.Endpoint;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.transport.memory.MemoryTransport;
import jakarta.enterprise.inject.se.SeContainer;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command against the real greeter, served in this JVM by a Weld container on the {@code memory} registry,
 * transport and broker, with {@code micro} run in the same JVM as a person runs it (its options, its output, its exit
 * code). Beside the greeter, two nodes answer as Go Micro services do, without the framework's server: {@code legacy}
 * (with {@code Debug.Health}) and {@code bare} (without).
 */
class GreeterInJvmTest {

    /** The plugin options every run here gives: the memory plugins, which the greeter's container uses too. */
    private static final String[] MEMORY = {"--registry", "memory", "--transport", "memory", "--broker", "memory"};
    private static final Duration TTL = Duration.ofMinutes(5);

    private static SeContainer greeter;
    private static MemoryTransport transport;
    private static Registry registry;
    private static GoMicroNode legacy;
    private static GoMicroNode bare;
    private static Service legacyService;
    private static Service bareService;

    @BeforeAll
    static void serve() {
        System.setProperty("micro.registry", "memory");
        System.setProperty("micro.transport", "memory");
        releaseConfig();
        greeter = new Weld("cli-greeter").disableDiscovery()
                .property(Weld.SHUTDOWN_HOOK_SYSTEM_PROPERTY, false)
                .addBeanClasses(MicroProducers.class, MicroLifecycle.class, Greeter.class, ProtoGreeter.class)
                .initialize();
        System.clearProperty("micro.registry");
        System.clearProperty("micro.transport");
        releaseConfig();

        transport = new MemoryTransport();
        registry = MemoryRegistry.shared();
        legacy = GoMicroNode.listen(transport, true);
        bare = GoMicroNode.listen(transport, false);
        legacyService = new Service("legacy", "1.0.0", null,
                List.of(new Endpoint("Echo.Headers", null, null, Map.of())), List.of(legacy.node("legacy-1")));
        bareService = new Service("bare", "0.9.0", null, null, List.of(bare.node("bare-1")));
        registry.register(legacyService, TTL);
        registry.register(bareService, TTL);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (legacy != null) {
            legacy.close();
        }
        if (bare != null) {
            bare.close();
        }
        if (transport != null) {
            transport.close();
        }
        if (greeter != null) {
            greeter.close();
        }
        // micro load hands its keys to the load tool as system properties, and the load tool sets one itself
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("micro."))
                .forEach(System::clearProperty);
        releaseConfig();
    }

    /** SmallRye caches the Config per class loader: drop it so that the next container reads the properties. */
    private static void releaseConfig() {
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        resolver.releaseConfig(resolver.getConfig());
    }

    private static Cli.Run micro(String... args) {
        return Cli.run(memory(args));
    }

    private static String[] memory(String... args) {
        List<String> all = new ArrayList<>(List.of(MEMORY));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    private static String greeterAddress() {
        return registry.getService("greeter").get(0).nodes().get(0).address();
    }

    @Test
    void servicesListsEachServiceWithItsVersions() {
        Cli.Run r = micro("services");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outLines().get(0)).matches("NAME +VERSIONS");
        assertThat(r.outLines()).anyMatch(l -> l.matches("greeter +latest"))
                .anyMatch(l -> l.matches("legacy +1\\.0\\.0"))
                .anyMatch(l -> l.matches("bare +0\\.9\\.0"));
    }

    @Test
    void servicesAsJson() throws Exception {
        Cli.Run r = micro("services", "--output", "json");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode list = Output.JSON.readTree(r.out());
        assertThat(list.isArray()).isTrue();
        assertThat(list).anySatisfy(s -> {
            assertThat(s.get("name").asText()).isEqualTo("greeter");
            assertThat(s.get("versions").get(0).asText()).isEqualTo("latest");
        });
        // --json is the same
        assertThat(micro("services", "--json").out()).isEqualTo(r.out());
    }

    @Test
    void describeShowsNodesMetadataAndEndpointShapes() {
        Cli.Run r = micro("describe", "greeter");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("service  greeter", "version  latest")
                .containsPattern("greeter-\\S+ +" + greeterAddress() + " +\\S*protocol=mucp\\S*transport=memory")
                .contains("Endpoint: Greeter.Hello  (stream=false)",
                        "Request: HelloRequest {\n    name string\n}",
                        "Response: HelloReply {\n    greeting string\n}",
                        "Endpoint: Greeter.Chat  (stream=true)");
    }

    @Test
    void describeAsJsonIsTheRegistrysRecordWithGoMicrosFieldNames() throws Exception {
        Cli.Run r = micro("--output", "json", "describe", "greeter");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode version = Output.JSON.readTree(r.out()).get(0);
        assertThat(version.get("name").asText()).isEqualTo("greeter");
        assertThat(version.get("version").asText()).isEqualTo("latest");
        assertThat(version.get("nodes").get(0).get("address").asText()).isEqualTo(greeterAddress());
        assertThat(version.get("nodes").get(0).get("metadata").get("protocol").asText()).isEqualTo("mucp");
        assertThat(version.get("endpoints")).anySatisfy(e -> {
            assertThat(e.get("name").asText()).isEqualTo("Greeter.Hello");
            assertThat(e.get("request").get("values").get(0).get("name").asText()).isEqualTo("name");
            assertThat(e.get("response").get("values").get(0).get("type").asText()).isEqualTo("string");
        });
    }

    @Test
    void describeOfAnUnknownServiceFails() {
        Cli.Run r = micro("describe", "nobody");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.errLines()).containsExactly("micro describe: nobody: not in the registry (memory)");
    }

    @Test
    void callPrintsTheAnswer() {
        Cli.Run r = micro("call", "greeter", "Greeter.Hello", "{\"name\":\"John\"}");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("{\"greeting\":\"Hello John\"}\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void callReadsTheBodyFromAFile(@TempDir Path dir) throws Exception {
        Path body = Files.writeString(dir.resolve("req.json"), "{\"name\":\"File\"}");

        Cli.Run r = micro("call", "greeter", "Greeter.Hello", "@" + body);

        assertThat(r.out()).as(r.toString()).isEqualTo("{\"greeting\":\"Hello File\"}\n");
    }

    @Test
    void aBinaryAnswerPrintsAsBase64(@TempDir Path dir) throws Exception {
        // HelloRequest{name: "John"}: field 1, 4 bytes
        Path body = Files.write(dir.resolve("req.bin"), new byte[] {012, 4, 'J', 'o', 'h', 'n'});

        Cli.Run r = micro("call", "--content-type", "application/protobuf", "greeter-proto", "ProtoGreeter.Hello",
                "@" + body);

        assertThat(r.exit()).as(r.toString()).isZero();
        byte[] reply = Base64.getDecoder().decode(r.out().strip());
        // HelloReply{greeting: "Hello John"}: field 1, 10 bytes
        assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("\n\nHello John");
    }

    @Test
    void aRemoteErrorPrintsGoMicrosErrorFieldsAndFails() {
        Cli.Run r = micro("call", "greeter", "Greeter.Hello", "{}");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).containsExactly(
                "micro call: 400 Bad Request from greeter.hello: name is required",
                "{\"id\":\"greeter.hello\",\"code\":400,\"detail\":\"name is required\",\"status\":\"Bad Request\"}");
    }

    @Test
    void aRemoteErrorWithJsonOutputIsTheErrorJsonAlone() {
        Cli.Run r = micro("call", "greeter", "Greeter.Nope", "{}", "--json");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("{\"id\":\"go.micro.server\",\"code\":404,\"detail\":\"unknown endpoint Greeter.Nope")
                .contains("\"status\":\"Not Found\"}");
    }

    @Test
    void callWithAddressGoesToThatNodeWithoutTheRegistry() {
        // a service name the registry has never heard of: the node named is called all the same
        Cli.Run r = micro("call", "--address", greeterAddress(), "unregistered", "Greeter.Hello", "{\"name\":\"Ann\"}");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("{\"greeting\":\"Hello Ann\"}\n");
    }

    @Test
    void callSendsTheRoutingHeadersTheContentTypeAndTheMetadata() throws Exception {
        Cli.Run r = micro("call", "legacy", "Echo.Headers", "{\"n\":1}", "--metadata", "X-Tenant=acme", "-m",
                "X-Trace=7", "--content-type", "application/json");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode echo = Output.JSON.readTree(r.out());
        JsonNode headers = echo.get("headers");
        assertThat(headers.get("Micro-Service").asText()).isEqualTo("legacy");
        assertThat(headers.get("Micro-Endpoint").asText()).isEqualTo("Echo.Headers");
        assertThat(headers.get("Content-Type").asText()).isEqualTo("application/json");
        assertThat(headers.get("X-Tenant").asText()).isEqualTo("acme");
        assertThat(headers.get("X-Trace").asText()).isEqualTo("7");
        assertThat(echo.get("body").get("n").asInt()).isEqualTo(1);
    }

    @Test
    void callGivesUpAtItsTimeout() {
        long t0 = System.nanoTime();
        Cli.Run r = micro("call", "legacy", "Slow.Never", "--timeout", "300ms");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("\"code\":408");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aBadConfigurationValueOfAPluginIsOneLine() {
        Cli.Run r = micro("-Dmicro.client.request-timeout=soon", "call", "greeter", "Greeter.Hello", "{}");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("micro call: micro.client.request-timeout=soon "
                + "(expected: a duration such as 500ms, 5s, 1m, 2h or PT5S)");
    }

    @Test
    void streamSendsEachLineAndPrintsEachAnswer() {
        Cli.Run r = Cli.runWithInput("{\"name\":\"Ann\"}\n\n{\"name\":\"Bob\"}\n{\"name\":\"Cy\"}\n",
                memory("stream", "greeter", "Greeter.Chat"));

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outLines()).containsExactly("{\"greeting\":\"Hello Ann\"}", "{\"greeting\":\"Hello Bob\"}",
                "{\"greeting\":\"Hello Cy\"}");
    }

    @Test
    void aStreamThatFailsPrintsWhatCameThenTheError() {
        Cli.Run r = Cli.runWithInput("{\"name\":\"Ann\"}\n{\"name\":\"\"}\n{\"name\":\"Never\"}\n",
                memory("stream", "greeter", "Greeter.Chat"));

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.outLines()).containsExactly("{\"greeting\":\"Hello Ann\"}");
        assertThat(r.err()).contains("\"code\":400", "name is required");
    }

    @Test
    void subscribePrintsWhatIsPublishedUntilItsCount() {
        Cli.Running sub = Cli.start(memory("subscribe", "orders", "--count", "2", "--for", "30s"));
        sub.awaitErr("subscribed to orders");

        Cli.Run first = micro("publish", "orders", "{\"id\":1}");
        Cli.Run second = micro("publish", "orders", "{\"id\":2}", "--output", "json", "-m", "X-Tenant=acme");
        Cli.Run received = sub.finish(Duration.ofSeconds(30));

        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.out()).matches("published to orders \\(id [0-9a-f-]{36}\\)\n");
        assertThat(second.out()).matches("\\{\"topic\":\"orders\",\"id\":\"[0-9a-f-]{36}\"}\n");
        assertThat(received.exit()).as(received.toString()).isZero();
        assertThat(received.outLines()).containsExactlyInAnyOrder("{\"id\":1}", "{\"id\":2}");
    }

    @Test
    void subscribeAsJsonPrintsTopicHeadersAndBody() throws Exception {
        Cli.Running sub = Cli.start(memory("subscribe", "audit", "--queue", "auditors", "--count", "1", "--json"));
        sub.awaitErr("subscribed to audit in queue auditors");

        micro("publish", "audit", "{\"user\":\"ann\"}", "--metadata", "X-Tenant=acme");
        Cli.Run received = sub.finish(Duration.ofSeconds(30));

        assertThat(received.exit()).as(received.toString()).isZero();
        JsonNode m = Output.JSON.readTree(received.out());
        assertThat(m.get("topic").asText()).isEqualTo("audit");
        assertThat(m.get("header").get("Micro-Topic").asText()).isEqualTo("audit");
        assertThat(m.get("header").get("X-Tenant").asText()).isEqualTo("acme");
        assertThat(m.get("header").get("Content-Type").asText()).isEqualTo("application/json");
        assertThat(m.get("body").get("user").asText()).isEqualTo("ann");
    }

    @Test
    void subscribeWithACountNotReachedInTimeFails() {
        Cli.Run r = micro("subscribe", "quiet-topic", "--count", "1", "--for", "200ms");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.errLines()).contains("micro subscribe: 0 of 1 message(s) in 200ms");
    }

    @Test
    void watchPrintsEachChangeAsItHappens() {
        Cli.Running watch = Cli.start(memory("watch", "watched", "--count", "2", "--for", "30s"));
        watch.awaitErr("watching watched on memory");

        Node node = new Node("watched-1", "memory:4242", Map.of("protocol", "mucp"));
        Service watched = new Service("watched", "2.0.0", null, null, List.of(node));
        registry.register(watched, TTL);
        registry.deregister(watched);
        Cli.Run r = watch.finish(Duration.ofSeconds(30));

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outLines()).containsExactly("create  watched  2.0.0  watched-1  memory:4242",
                "delete  watched  2.0.0  watched-1  memory:4242");
    }

    @Test
    void watchAsJsonPrintsGoMicrosWatchResults() throws Exception {
        Cli.Running watch = Cli.start(memory("watch", "--count", "1", "--output", "json"));
        watch.awaitErr("watching every service");

        Service s = new Service("watched-json", "1.0.0", null, null,
                List.of(new Node("watched-json-1", "memory:4343", Map.of())));
        registry.register(s, TTL);
        Cli.Run r = watch.finish(Duration.ofSeconds(30));
        registry.deregister(s);

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode change = Output.JSON.readTree(r.out());
        assertThat(change.get("action").asText()).isEqualTo("create");
        assertThat(change.get("service").get("name").asText()).isEqualTo("watched-json");
        assertThat(change.get("service").get("nodes").get(0).get("address").asText()).isEqualTo("memory:4343");
    }

    @Test
    void healthOfANodeThatAnswersOk() {
        Cli.Run r = micro("health", "legacy");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outLines()).hasSize(2);
        assertThat(r.outLines().get(0)).matches("NODE +ADDRESS +VERSION +STATUS");
        assertThat(r.outLines().get(1)).matches("legacy-1 +" + legacy.address() + " +1\\.0\\.0 +ok");
    }

    @Test
    void healthOfANodeWithoutDebugHealthSaysSoAndFails() throws Exception {
        Cli.Run r = micro("health", "bare");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("bare-1", "unknown: no Debug.Health endpoint on this node (404 from "
                + "go.micro.server: unknown service Debug.Health)");

        Cli.Run json = micro("health", "bare", "--json");
        JsonNode node = Output.JSON.readTree(json.out()).get(0);
        assertThat(node.get("status").asText()).isEqualTo("unknown");
        assertThat(node.get("error").get("code").asInt()).isEqualTo(404);
        assertThat(node.get("error").get("id").asText()).isEqualTo("go.micro.server");
    }

    @Test
    void healthOfTheGreeter() {
        Cli.Run r = micro("health", "greeter");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).containsPattern("greeter-\\S+ +" + greeterAddress() + " +latest +ok");
    }

    @Test
    void healthOfAServiceNotInTheRegistryFails() {
        Cli.Run r = micro("health", "nobody");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.errLines()).containsExactly("micro health: nobody: not in the registry (memory)");
    }

    @Test
    void loadRunsTheLoadToolWithItsOwnCommandLine() {
        // the load tool boots a container that reads MicroProfile Config: drop the cached one
        releaseConfig();
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = MicroCli.run(memory("load", "--service", "greeter", "--endpoint", "Greeter.Hello", "--body",
                            "{\"name\":\"John\"}", "--concurrency", "2", "--calls", "300", "--duration", "30s",
                            "--quiet"),
                    new PrintWriter(new StringWriter()), new PrintWriter(System.err),
                    InputStream.nullInputStream());
        } finally {
            System.setOut(stdout);
            releaseConfig();
        }
        String out = captured.toString(StandardCharsets.UTF_8);

        assertThat(exit).as(out).isZero();
        assertThat(out.lines().reduce((a, b) -> b).orElse("")).startsWith("calls=300 failures=0 rps=");
    }
}
