package io.microcdi.telemetry.otel;

import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.telemetry.Observation;
import io.microcdi.telemetry.Telemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spans {@link OtelTelemetry} makes, on the real OpenTelemetry SDK (exported to memory as each ends) with the
 * W3C propagator: their names, kinds, attributes, statuses and parents across simulated hops.
 */
class OtelTelemetryTest {

    /** What a Go Micro service sends (its wrapper title-cases the header names). */
    private static final String GO_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String GO_SPAN = "00f067aa0ba902b7";
    private static final Metadata FROM_GO = Metadata.of(
            "Traceparent", "00-" + GO_TRACE + "-" + GO_SPAN + "-01",
            "Tracestate", "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
            "Micro-From-Service", "go.micro.web");

    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    private final Telemetry telemetry = new OtelTelemetry(otel, Conventions.V1_37);

    @AfterEach
    void close() {
        otel.close();
    }

    @Test
    void aServerSpanContinuesTheTraceOfAGoServiceAndCarriesItsTraceState() {
        Observation served = telemetry.serverCall("mucp", "greeter", "Greeter.Hello", FROM_GO);
        Metadata handlerMd = served.propagate(FROM_GO);
        served.end(0, null);

        SpanData span = only();
        assertThat(span).hasKind(SpanKind.SERVER).hasName("greeter.Greeter/Hello").hasTraceId(GO_TRACE)
                .hasParentSpanId(GO_SPAN).hasAttributes(Attributes.builder()
                        .put("rpc.system", "mucp").put("rpc.service", "greeter.Greeter").put("rpc.method", "Hello")
                        .build())
                .hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset())
                .hasEnded();
        assertThat(span.getParentSpanContext().isRemote()).isTrue();
        assertThat(span.getSpanContext().getTraceState().get("congo")).isEqualTo("t61rcWkgMzE");
        assertThat(span.getInstrumentationScopeInfo().getName()).isEqualTo("io.microcdi");
        assertThat(span.getInstrumentationScopeInfo().getSchemaUrl())
                .isEqualTo("https://opentelemetry.io/schemas/1.37.0");

        // the handler's metadata names the server span as the parent, in place of the caller's (one header, any
        // case), and keeps the vendors' state and the other headers
        assertThat(handlerMd.get("traceparent")).isEqualTo("00-" + GO_TRACE + "-" + span.getSpanId() + "-01");
        assertThat(handlerMd.get("tracestate")).isEqualTo("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
        assertThat(handlerMd.get("Micro-From-Service")).isEqualTo("go.micro.web");
        assertThat(handlerMd.size()).isEqualTo(FROM_GO.size());
    }

    @Test
    void aCallMadeWhileHandlingIsAChildOfTheHandlersSpanAndTheNextHopAChildOfTheAttempt() throws Exception {
        // hop 1 serves a call from Go
        Observation served = telemetry.serverCall("mucp", "greeter", "Greeter.Hello", FROM_GO);
        Metadata handlerMd = served.propagate(FROM_GO);

        // its handler calls billing on another thread: no current span there, the metadata carries the parent
        AtomicReference<Metadata> sent = new AtomicReference<>();
        Thread handler = new Thread(() -> {
            Observation attempt = telemetry.clientAttempt("mucp", "billing", "Billing.Charge", "127.0.0.1:9090", 1,
                    handlerMd);
            sent.set(attempt.propagate(handlerMd));
            // hop 2 serves it
            Observation billing = telemetry.serverCall("mucp", "billing", "Billing.Charge", sent.get());
            billing.end(0, null);
            attempt.end(0, null);
        });
        handler.start();
        handler.join();
        served.end(0, null);

        SpanData first = named("greeter.Greeter/Hello");
        SpanData attempt = exported.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.CLIENT)
                .findFirst().orElseThrow();
        SpanData second = exported.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.SERVER && s.getName().equals("billing.Billing/Charge"))
                .findFirst().orElseThrow();
        assertThat(List.of(first.getTraceId(), attempt.getTraceId(), second.getTraceId())).containsOnly(GO_TRACE);
        assertThat(first).hasParentSpanId(GO_SPAN);
        assertThat(attempt).hasName("billing.Billing/Charge").hasParentSpanId(first.getSpanId())
                .hasAttributesSatisfying(
                        equalTo(stringKey("rpc.system"), "mucp"),
                        equalTo(stringKey("rpc.service"), "billing.Billing"),
                        equalTo(stringKey("rpc.method"), "Charge"),
                        equalTo(stringKey("server.address"), "127.0.0.1"),
                        equalTo(longKey("server.port"), 9090L),
                        equalTo(longKey("microcdi.rpc.attempt"), 1L));
        assertThat(second).hasParentSpanId(attempt.getSpanId());
        assertThat(second.getSpanContext().getTraceState().get("rojo")).isEqualTo("00f067aa0ba902b7");
        assertThat(sent.get().get("traceparent")).contains(attempt.getSpanId());
    }

    @Test
    void theCurrentSpanIsTheParentWithinMakeCurrentAndNotAfter() {
        Observation served = telemetry.serverCall("grpc", "greeter", "Greeter.Hello", Metadata.empty());
        Observation attempt;
        Observation.Scope scope = served.makeCurrent();
        try {
            assertThat(Span.current().getSpanContext().isValid()).isTrue();
            attempt = telemetry.clientAttempt("grpc", "billing", "Billing.Charge", "[::1]:50051", 2,
                    Metadata.empty());
        } finally {
            scope.close();
        }
        assertThat(Span.current().getSpanContext().isValid()).isFalse();
        Observation outside = telemetry.clientAttempt("grpc", "billing", "Billing.Charge", "[::1]:50051", 1,
                Metadata.empty());
        attempt.end(0, null);
        outside.end(0, null);
        served.end(0, null);

        SpanData root = named("greeter.Greeter/Hello");
        assertThat(root.getParentSpanContext().isValid()).as("a new trace").isFalse();
        List<SpanData> attempts = exported.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.CLIENT).toList();
        assertThat(attempts.get(0)).hasParentSpanId(root.getSpanId()).hasTraceId(root.getTraceId())
                .hasAttributesSatisfying(equalTo(stringKey("server.address"), "::1"),
                        equalTo(longKey("server.port"), 50051L), equalTo(longKey("microcdi.rpc.attempt"), 2L),
                        equalTo(longKey("rpc.grpc.status_code"), 0L), equalTo(stringKey("rpc.system"), "grpc"));
        assertThat(attempts.get(1).getParentSpanContext().isValid()).as("outside the scope: a new trace").isFalse();
    }

    @Test
    void aServerSpanIsAnErrorOnlyForTheServersFaultsAndAlwaysRecordsTheCode() {
        end(telemetry.serverCall("mucp", "greeter", "Greeter.Hello", Metadata.empty()), 404,
                MicroException.notFound("greeter", "no %s", "John"));
        SpanData notFound = last();
        assertThat(notFound).hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset())
                .hasAttributesSatisfying(equalTo(stringKey("error.type"), "404"));
        assertThat(notFound.getEvents()).isEmpty();

        end(telemetry.serverCall("mucp", "greeter", "Greeter.Hello", Metadata.empty()), 503,
                new MicroException("greeter", 503, "busy", "Service Unavailable"));
        SpanData busy = last();
        assertThat(busy).hasStatus(io.opentelemetry.sdk.trace.data.StatusData.create(StatusCode.ERROR, "busy"))
                .hasAttributesSatisfying(equalTo(stringKey("error.type"), "503"));
        assertThat(busy.getEvents()).as("a Go Micro error is an answer, not a crash: no stack trace").isEmpty();

        end(telemetry.serverCall("mucp", "greeter", "Greeter.Hello", Metadata.empty()), 500,
                new IllegalStateException("boom"));
        SpanData boom = last();
        assertThat(boom.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(boom).hasAttributesSatisfying(equalTo(stringKey("error.type"), "500"));
        assertThat(boom.getEvents()).singleElement().satisfies(e -> assertThat(e.getName()).isEqualTo("exception"));
    }

    @Test
    void grpcSpansRecordTheGrpcStatusAndAreErrorsOnTheServersStatusesOnly() {
        end(telemetry.serverCall("grpc", "greeter", "Greeter.Hello", Metadata.empty()), 404, null);
        assertThat(last()).hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset())
                .hasAttributesSatisfying(equalTo(longKey("rpc.grpc.status_code"), 5L),
                        equalTo(stringKey("error.type"), "NOT_FOUND"));

        end(telemetry.serverCall("grpc", "greeter", "Greeter.Hello", Metadata.empty()), 408, null);
        assertThat(last().getStatus().getStatusCode()).as("DEADLINE_EXCEEDED is the server's, though 408")
                .isEqualTo(StatusCode.ERROR);

        end(telemetry.serverCall("grpc", "greeter", "Greeter.Hello", Metadata.empty()), 0, null);
        assertThat(last()).hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset())
                .hasAttributesSatisfying(equalTo(longKey("rpc.grpc.status_code"), 0L));
        assertThat(last().getAttributes().get(stringKey("error.type"))).isNull();
    }

    @Test
    void aClientSpanIsAnErrorForAnyFailure() {
        end(telemetry.clientAttempt("mucp", "greeter", "Greeter.Hello", "127.0.0.1:1", 3, Metadata.empty()), 404,
                MicroException.notFound("greeter", "no John"));
        assertThat(last()).hasStatus(io.opentelemetry.sdk.trace.data.StatusData.create(StatusCode.ERROR, "no John"))
                .hasAttributesSatisfying(equalTo(stringKey("error.type"), "404"),
                        equalTo(longKey("microcdi.rpc.attempt"), 3L));

        end(telemetry.clientAttempt("grpc", "greeter", "Greeter.Hello", "127.0.0.1:1", 1, Metadata.empty()), 400,
                null);
        assertThat(last()).hasStatus(io.opentelemetry.sdk.trace.data.StatusData.error())
                .hasAttributesSatisfying(equalTo(stringKey("error.type"), "INVALID_ARGUMENT"),
                        equalTo(longKey("rpc.grpc.status_code"), 3L));
    }

    @Test
    void aRequestForAnEndpointTheServerDoesNotServeIsNamedAfterTheProtocol() {
        end(telemetry.serverCall("mucp", Telemetry.UNKNOWN, Telemetry.UNKNOWN, Metadata.empty()), 404, null);
        assertThat(last()).hasName("mucp").hasAttributes(Attributes.builder().put("rpc.system", "mucp")
                .put("error.type", "404").build());
    }

    @Test
    void aDeliveryIsAChildOfThePublishThroughTheMessageHeaders() {
        Observation publish = telemetry.publish("nats", "orders", Metadata.of("Content-Type", "application/json"));
        Metadata message = publish.propagate(Metadata.of("Content-Type", "application/json"));
        publish.end(0, null);
        Observation delivery = telemetry.deliver("nats", "orders", "billing", "Billing.onOrder", message);
        Metadata subscriberMd = delivery.propagate(message);
        delivery.end(0, null);

        SpanData producer = named("publish orders");
        SpanData consumer = named("process orders");
        assertThat(producer).hasKind(SpanKind.PRODUCER).hasAttributes(Attributes.builder()
                .put("messaging.system", "nats").put("messaging.destination.name", "orders")
                .put("messaging.operation.type", "send").put("messaging.operation.name", "publish").build());
        assertThat(consumer).hasKind(SpanKind.CONSUMER).hasTraceId(producer.getTraceId())
                .hasParentSpanId(producer.getSpanId()).hasAttributes(Attributes.builder()
                        .put("messaging.system", "nats").put("messaging.destination.name", "orders")
                        .put("messaging.operation.type", "process").put("messaging.operation.name", "process")
                        .put("messaging.consumer.group.name", "billing")
                        .put("code.function.name", "Billing.onOrder").build());
        assertThat(consumer.getLinks()).isEmpty();
        assertThat(subscriberMd.get("traceparent")).contains(consumer.getSpanId());
    }

    @Test
    void aPublishWhileHandlingIsAChildOfTheHandlerAndADeliveryUnderAnotherSpanLinksIt() {
        Observation served = telemetry.serverCall("mucp", "shop", "Shop.Order", FROM_GO);
        Metadata handlerMd = served.propagate(FROM_GO);
        Observation publish = telemetry.publish("kafka", "orders", handlerMd);
        Metadata message = publish.propagate(Metadata.empty());
        publish.end(0, null);
        Observation delivery;
        Observation.Scope scope = served.makeCurrent();
        try {
            // a broker delivering in place (the memory broker) within the handler
            delivery = telemetry.deliver("kafka", "orders", "", "Billing.onOrder", message);
        } finally {
            scope.close();
        }
        delivery.end(500, new IllegalStateException("no stock"));
        served.end(0, null);

        SpanData handler = named("shop.Shop/Order");
        SpanData producer = named("send orders");
        SpanData consumer = named("process orders");
        assertThat(producer).hasParentSpanId(handler.getSpanId()).hasTraceId(GO_TRACE)
                .hasAttributesSatisfying(equalTo(stringKey("messaging.system"), "kafka"),
                        equalTo(stringKey("messaging.operation.name"), "send"));
        assertThat(consumer).hasParentSpanId(producer.getSpanId())
                .hasAttributesSatisfying(equalTo(stringKey("error.type"), "500"));
        assertThat(consumer.getAttributes().get(stringKey("messaging.consumer.group.name"))).as("broadcast")
                .isNull();
        assertThat(consumer.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(consumer.getLinks()).singleElement()
                .satisfies(l -> assertThat(l.getSpanContext()).isEqualTo(handler.getSpanContext()));
    }

    @Test
    void theHttpBrokerIsGoMicrosOwnMessagingSystem() {
        end(telemetry.publish("http", "events", Metadata.empty()), 0, null);
        assertThat(last()).hasName("publish events")
                .hasAttributesSatisfying(equalTo(stringKey("messaging.system"), "go_micro"));
    }

    @Test
    void theNewerRpcConventionsOnOptIn() {
        Telemetry stable = new OtelTelemetry(otel, Conventions.STABLE);
        end(stable.serverCall("grpc", "greeter", "Greeter.Hello", Metadata.empty()), 404, null);
        assertThat(last()).hasName("greeter.Greeter/Hello").hasAttributes(Attributes.builder()
                .put("rpc.system.name", "grpc").put("rpc.method", "greeter.Greeter/Hello")
                .put("rpc.response.status_code", "NOT_FOUND").put("error.type", "NOT_FOUND").build());
        assertThat(last().getInstrumentationScopeInfo().getSchemaUrl())
                .isEqualTo("https://opentelemetry.io/schemas/1.44.0");
        end(stable.serverCall("mucp", "greeter", "Greeter.Hello", Metadata.empty()), 0, null);
        assertThat(last()).hasAttributes(Attributes.builder()
                .put("rpc.system.name", "mucp").put("rpc.method", "greeter.Greeter/Hello").build());
        end(stable.serverCall("mucp", Telemetry.UNKNOWN, Telemetry.UNKNOWN, Metadata.empty()), 404, null);
        assertThat(last()).hasName("mucp").hasAttributesSatisfying(equalTo(stringKey("rpc.method"), "_OTHER"),
                equalTo(stringKey("rpc.response.status_code"), "404"));

        Telemetry dup = new OtelTelemetry(otel, Conventions.DUP);
        end(dup.clientAttempt("grpc", "my-svc", "Greeter.Hello", "127.0.0.1:1", 1, Metadata.empty()), 0, null);
        assertThat(last()).hasName("my_svc.Greeter/Hello").hasAttributesSatisfying(
                equalTo(stringKey("rpc.system"), "grpc"), equalTo(stringKey("rpc.system.name"), "grpc"),
                equalTo(stringKey("rpc.service"), "my_svc.Greeter"),
                // one key, two meanings: the newer one wins, as the opt-in asks of single-valued concepts
                equalTo(stringKey("rpc.method"), "my_svc.Greeter/Hello"),
                equalTo(longKey("rpc.grpc.status_code"), 0L), equalTo(stringKey("rpc.response.status_code"), "OK"));
    }

    @Test
    void theOptInIsReadAsOpenTelemetrysInstrumentationsReadIt() {
        assertThat(Conventions.parse(null)).isEqualTo(Conventions.V1_37);
        assertThat(Conventions.parse("http,database")).isEqualTo(Conventions.V1_37);
        assertThat(Conventions.parse("http, RPC")).isEqualTo(Conventions.STABLE);
        assertThat(Conventions.parse("rpc,rpc/dup")).isEqualTo(Conventions.DUP);
    }

    @Test
    void nodeAddressesBecomeServerAddressAndPort() {
        assertThat(OtelTelemetry.peerOf("10.0.0.7:8080")).isEqualTo(Attributes.builder()
                .put("server.address", "10.0.0.7").put("server.port", 8080L).build());
        assertThat(OtelTelemetry.peerOf("[::1]:443")).isEqualTo(Attributes.builder()
                .put("server.address", "::1").put("server.port", 443L).build());
        assertThat(OtelTelemetry.peerOf("greeter.local")).isEqualTo(Attributes.builder()
                .put("server.address", "greeter.local").build());
    }

    @Test
    void namesAreKeptUpToALimitThenMadePerCall() {
        Memo<String> memo = new Memo<>();
        assertThat(memo.find("a", "b")).isNull();
        assertThat(memo.keep("a", "b", "ab")).isEqualTo("ab");
        assertThat(memo.find("a", "b")).isEqualTo("ab");
        for (int i = 1; i < Memo.LIMIT + 5; i++) {
            memo.keep("a", Integer.toString(i), "x");
        }
        assertThat(memo.size()).isEqualTo(Memo.LIMIT);
        assertThat(memo.keep("z", "z", "zz")).isEqualTo("zz");
        assertThat(memo.find("z", "z")).isNull();
    }

    private static void end(Observation o, int code, Throwable error) {
        o.end(code, error);
    }

    private SpanData only() {
        assertThat(exported.getFinishedSpanItems()).hasSize(1);
        return exported.getFinishedSpanItems().get(0);
    }

    private SpanData last() {
        List<SpanData> all = exported.getFinishedSpanItems();
        assertThat(all).isNotEmpty();
        return all.get(all.size() - 1);
    }

    private SpanData named(String name) {
        return exported.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + exported.getFinishedSpanItems()));
    }
}
