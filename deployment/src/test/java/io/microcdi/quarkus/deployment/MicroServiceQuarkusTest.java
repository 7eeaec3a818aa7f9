package io.microcdi.quarkus.deployment;

import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.List;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The extension on Quarkus: a {@code @Service} in an application without {@code beans.xml} is served and
 * registered, a {@code @MicroClient} is injected and calls it, and {@code microcdi} is among the installed features.
 * One JVM, the {@code memory} registry, a free port on loopback.
 */
class MicroServiceQuarkusTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Greeter.class, GreeterApi.class, GreeterCaller.class,
                    HelloRequest.class, HelloReply.class))
            .overrideConfigKey("micro.registry", "memory")
            .overrideConfigKey("micro.server.address", "127.0.0.1:0")
            .setLogRecordPredicate(r -> r.getMessage() != null && r.getMessage().contains("Installed features"))
            .assertLogRecords(MicroServiceQuarkusTest::featureListed);

    @Inject
    Registry registry;

    @Inject
    GreeterCaller caller;

    @Test
    void serviceIsServedOverHttpOnLoopback() throws Exception {
        List<Service> services = registry.getService("greeter");
        assertThat(services).hasSize(1);
        String address = services.get(0).nodes().get(0).address();
        assertThat(address).startsWith("127.0.0.1:");

        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + "/"))
                .header("Content-Type", "application/json")
                .header("Micro-Service", "greeter")
                .header("Micro-Endpoint", "Greeter.Hello")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"John\"}"))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"greeting\":\"Hello John\"}");
    }

    @Test
    void injectedClientCallsTheService() {
        assertThat(caller.greet("Jane")).isEqualTo("Hello Jane");
    }

    private static void featureListed(List<LogRecord> records) {
        assertThat(records).hasSize(1);
        LogRecord r = records.get(0);
        String line = r.getParameters() == null ? r.getMessage() : format(r);
        assertThat(line).containsPattern("\\bmicrocdi\\b");
    }

    /** The record's message with its parameters, in whichever style Quarkus' logger wrote it. */
    private static String format(LogRecord r) {
        String m = r.getMessage();
        return m.contains("%") ? String.format(m, r.getParameters()) : MessageFormat.format(m, r.getParameters());
    }
}
