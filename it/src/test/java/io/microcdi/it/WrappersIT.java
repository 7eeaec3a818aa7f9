package io.microcdi.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microcdi.registry.Registry;
import io.microcdi.registry.mdns.MdnsRegistry;
import io.microcdi.registry.mdns.MdnsRegistryConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Metadata, caller name, deadline and trace context across three processes of {@code examples/wrappers}, found over
 * mDNS on loopback: a client process ({@code wrappers.jar call}) calls the frontend process, which calls the backend
 * process. Each hop reports what it saw; the client prints it as one JSON line, which the tests read.
 *
 * <p>Every node carries {@code it.run=<this run>} and the frontend and the client select only such nodes
 * ({@code micro.client.<service>.labels}), and the bearer token is this run's: another frontend or backend on the same
 * loopback (a developer's, another run's) takes no part.
 */
class WrappersIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN = UUID.randomUUID().toString();
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration CALL = Duration.ofSeconds(60);
    private static final long TIMEOUT_MS = 3000;

    @RegisterExtension
    static final Processes SERVERS = Processes.perClass();

    @RegisterExtension
    final Processes clients = Processes.perTest();

    private static GreeterProcess backend;
    private static GreeterProcess frontend;
    private static Registry registry;

    @BeforeAll
    static void startBackendAndFrontend() {
        backend = SERVERS.start(hop("backend"));
        frontend = SERVERS.start(hop("frontend")
                .property("micro.client.backend.labels", "it.run=" + RUN));
        registry = new MdnsRegistry(MdnsRegistryConfig.defaults());
        long t0 = System.nanoTime();
        awaitListed("backend", backend);
        awaitListed("frontend", frontend);
        report("backend and frontend listed %d ms after their JVMs started", millisSince(t0));
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        SERVERS.closeAll();
    }

    /**
     * The backend sees the client's {@code X-Request-Id} and token though the frontend sets neither, the frontend as
     * its caller, and a deadline no later than the client's; one trace runs through the three hops, each with its own
     * span, each hop's parent being the span of the hop before.
     */
    @Test
    void metadataCallerDeadlineAndTraceCrossThreeProcesses() throws Exception {
        GreeterProcess call = clients.start(client("call", "--timeout", TIMEOUT_MS + "ms"));
        int exit = call.awaitExit(CALL);
        assertThat(exit).as("exit code of `wrappers.jar call`\n%s", call.diagnostics()).isZero();
        JsonNode seen = lastJsonLine(call);
        report("%s", seen);
        JsonNode client = seen.path("client");
        JsonNode a = seen.path("frontend");
        JsonNode b = seen.path("backend");

        // metadata: the header the client's wrapper set reaches both hops
        String requestId = client.path("requestId").asText();
        assertThat(requestId).as("X-Request-Id the client sent").isNotEmpty();
        assertThat(a.path("requestId").asText()).as("X-Request-Id at the frontend").isEqualTo(requestId);
        assertThat(b.path("requestId").asText()).as("X-Request-Id at the backend").isEqualTo(requestId);

        // the caller's name: none from the client (no service), "frontend" at the backend
        assertThat(a.path("service").asText()).isEqualTo("frontend");
        assertThat(a.path("endpoint").asText()).isEqualTo("Frontend.Relay");
        assertThat(a.path("callerService").asText()).as("caller of the frontend").isEmpty();
        assertThat(b.path("service").asText()).isEqualTo("backend");
        assertThat(b.path("endpoint").asText()).isEqualTo("Backend.Inspect");
        assertThat(b.path("callerService").asText()).as("caller of the backend").isEqualTo("frontend");
        assertThat(a.path("remoteAddress").asText()).startsWith("127.0.0.1:");
        assertThat(b.path("remoteAddress").asText()).startsWith("127.0.0.1:");

        // the deadline: the client's, never extended on the way
        assertThat(client.path("timeoutMs").asLong()).isEqualTo(TIMEOUT_MS);
        long aLeft = a.path("remainingMs").asLong();
        long bLeft = b.path("remainingMs").asLong();
        assertThat(aLeft).as("ms left at the frontend").isPositive().isLessThanOrEqualTo(TIMEOUT_MS);
        assertThat(bLeft).as("ms left at the backend").isPositive().isLessThanOrEqualTo(aLeft);

        // the trace: one trace id, a new span per hop, each parent the span of the hop before
        Span sent = Span.of(client.path("traceparent").asText());
        Span aIn = Span.of(a.path("traceparentIn").asText());
        Span aSpan = Span.of(a.path("traceparent").asText());
        Span bIn = Span.of(b.path("traceparentIn").asText());
        Span bSpan = Span.of(b.path("traceparent").asText());
        assertThat(List.of(aIn.traceId, aSpan.traceId, bIn.traceId, bSpan.traceId)).as("trace ids")
                .containsOnly(sent.traceId);
        assertThat(aIn.spanId).as("frontend's parent: the client's attempt span").isEqualTo(sent.spanId);
        assertThat(bIn.spanId).as("backend's parent: the span the frontend sent on").isEqualTo(aSpan.spanId);
        assertThat(List.of(sent.spanId, aSpan.spanId, bSpan.spanId)).as("client, frontend and backend spans")
                .doesNotHaveDuplicates();
    }

    /**
     * A call without the token passes the frontend (which checks none) and is turned away by the backend's
     * interceptor: the client gets the backend's 401 in Go Micro's error shape, once (a 401 is not retried).
     */
    @Test
    void callWithoutTheTokenIs401FromTheBackend() throws Exception {
        GreeterProcess call = clients.start(client("no-token", "--no-token"));
        int exit = call.awaitExit(CALL);
        assertThat(exit).as("exit code of `wrappers.jar call --no-token`\n%s", call.diagnostics()).isEqualTo(1);
        JsonNode error = lastJsonLine(call);
        report("%s", error);

        assertThat(error.path("id").asText()).isEqualTo("backend.auth");
        assertThat(error.path("code").asInt()).isEqualTo(401);
        assertThat(error.path("status").asText()).isEqualTo("Unauthorized");
        assertThat(error.path("detail").asText()).contains("Backend.Inspect", "Authorization");
        // the frontend's and the backend's access logs: one refused call each
        await("the 401 in the frontend's and the backend's access logs").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> refusals(frontend, "Frontend.Relay") == 1 && refusals(backend, "Backend.Inspect") == 1);
    }

    // ---- helpers ----

    /** A server process of the example playing {@code role}, registered with this run's metadata. */
    private static GreeterProcess.Spec hop(String role) {
        return GreeterProcess.server(role)
                .jar(GreeterProcess.wrappersJar())
                .property("example.role", role)
                .property("example.token", RUN)
                .property("micro.register.ttl", "10s")
                .property("micro.register.interval", "2s")
                .property("micro.server.metadata", "it.run=" + RUN);
    }

    /** {@code wrappers.jar call <args>}, calling only this run's frontend, with this run's token. */
    private static GreeterProcess.Spec client(String name, String... args) {
        return GreeterProcess.server(name)
                .jar(GreeterProcess.wrappersJar())
                .property("example.token", RUN)
                .property("micro.client.frontend.labels", "it.run=" + RUN)
                .args("call").args(args);
    }

    /** Waits until this JVM's mDNS registry lists {@code p}'s node of {@code service}. */
    private static void awaitListed(String service, GreeterProcess p) {
        await(service + " listed").atMost(START).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!p.process().isAlive()) {
                        throw new AssertionError(p + " died\n" + p.diagnostics());
                    }
                    return registry.getService(service).stream().flatMap(s -> s.nodes().stream())
                            .anyMatch(n -> RUN.equals(n.metadata().get("it.run")));
                });
    }

    /** The access log lines of refused calls to {@code endpoint} in {@code p}'s log. */
    private static long refusals(GreeterProcess p, String endpoint) {
        return p.stderr().lines().filter(l -> l.contains(" " + endpoint + " ") && l.contains("-> 401 Unauthorized"))
                .count();
    }

    /** The JSON line the client printed last on stdout. */
    private static JsonNode lastJsonLine(GreeterProcess p) throws Exception {
        List<String> lines = p.stdout().lines().filter(l -> l.startsWith("{")).toList();
        assertThat(lines).as("JSON lines on stdout\n%s", p.diagnostics()).isNotEmpty();
        return JSON.readTree(lines.get(lines.size() - 1));
    }

    /** A W3C {@code traceparent}'s trace and span ids. */
    private record Span(String traceId, String spanId) {

        static Span of(String traceparent) {
            assertThat(traceparent).as("a traceparent").matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
            return new Span(traceparent.substring(3, 35), traceparent.substring(36, 52));
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static void report(String format, Object... args) {
        System.out.println("[WrappersIT] " + String.format(format, args));
    }
}
