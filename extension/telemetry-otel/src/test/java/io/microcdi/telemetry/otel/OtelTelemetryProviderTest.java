package io.microcdi.telemetry.otel;

import io.microcdi.config.ConfigException;
import io.microcdi.config.MicroConfig;
import io.microcdi.metadata.Metadata;
import io.microcdi.telemetry.Telemetries;
import io.microcdi.telemetry.Telemetry;
import io.microcdi.telemetry.TelemetryProvider;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which OpenTelemetry the provider traces to, and when it makes nothing: a container's bean over the global one, the
 * no-op one and {@code micro.telemetry.otel.enabled=false} both off; found by {@link Telemetries#load}; a start that
 * fails saying what to do when the OpenTelemetry API is out of the module's sight.
 */
class OtelTelemetryProviderTest {

    private static final MicroConfig DEFAULTS = MicroConfig.of(Map.of());

    private final InMemorySpanExporter beanSpans = InMemorySpanExporter.create();
    private final InMemorySpanExporter globalSpans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk bean = sdk(beanSpans);
    private final OpenTelemetrySdk global = sdk(globalSpans);

    @BeforeEach
    @AfterEach
    void resetGlobal() {
        GlobalOpenTelemetry.resetForTest();
    }

    @AfterEach
    void close() {
        bean.close();
        global.close();
    }

    @Test
    void theContainersOpenTelemetryWinsOverTheGlobalOne() {
        GlobalOpenTelemetry.set(global);
        Telemetry t = new OtelTelemetryProvider().create(DEFAULTS, beans(bean)).orElseThrow();
        serve(t);
        assertThat(beanSpans.getFinishedSpanItems()).hasSize(1);
        assertThat(globalSpans.getFinishedSpanItems()).isEmpty();
    }

    @Test
    void withoutABeanTheGlobalOneIsUsed() {
        GlobalOpenTelemetry.set(global);
        serve(new OtelTelemetryProvider().create(DEFAULTS, TelemetryProvider.Beans.NONE).orElseThrow());
        assertThat(globalSpans.getFinishedSpanItems()).hasSize(1);
    }

    @Test
    void withNeitherThereIsNothingToTraceAndTheGlobalIsLeftForTheApplicationToSet() {
        assertThat(new OtelTelemetryProvider().create(DEFAULTS, TelemetryProvider.Beans.NONE)).isEmpty();
        assertThat(GlobalOpenTelemetry.isSet()).as("not fixed to the no-op one").isFalse();
        GlobalOpenTelemetry.set(global);   // would throw had the provider fixed it
    }

    @Test
    void aNoopOpenTelemetryIsOff() {
        assertThat(new OtelTelemetryProvider().create(DEFAULTS, beans(OpenTelemetry.noop()))).isEmpty();
        // propagators without a tracer: still nothing to record
        OpenTelemetry propagating = OpenTelemetry.propagating(
                ContextPropagators.create(W3CTraceContextPropagator.getInstance()));
        assertThat(new OtelTelemetryProvider().create(DEFAULTS, beans(propagating))).isEmpty();
        GlobalOpenTelemetry.set(OpenTelemetry.noop());
        assertThat(new OtelTelemetryProvider().create(DEFAULTS, TelemetryProvider.Beans.NONE)).isEmpty();
    }

    @Test
    void itSaysAtStartWhereTheSpansGoOrWhyThereAreNone() {
        Logger logger = Logger.getLogger(OtelTelemetryProvider.class.getName());
        List<String> said = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                said.add(r.getLevel() + " " + new SimpleFormatter().formatMessage(r));   // as a console shows it
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            new OtelTelemetryProvider().create(DEFAULTS, beans(bean));
            new OtelTelemetryProvider().create(DEFAULTS, beans(OpenTelemetry.noop()));
            new OtelTelemetryProvider().create(DEFAULTS, TelemetryProvider.Beans.NONE);
            GlobalOpenTelemetry.set(global);
            new OtelTelemetryProvider().create(DEFAULTS, TelemetryProvider.Beans.NONE);
        } finally {
            logger.removeHandler(handler);
        }
        assertThat(said).containsExactly(
                "INFO OpenTelemetry spans of calls and messages to the container's OpenTelemetry bean",
                "INFO no OpenTelemetry spans: the container's OpenTelemetry bean traces nothing (its SDK is off; on "
                        + "Open Liberty otel.sdk.disabled=false turns it on)",
                "INFO no OpenTelemetry spans: no OpenTelemetry bean and no global OpenTelemetry (on an application "
                        + "server, an OpenTelemetry API packaged in the application hides the server's bean)",
                "INFO OpenTelemetry spans of calls and messages to the global OpenTelemetry");
    }

    @Test
    void enabledFalseTurnsItOffWhateverIsThere() {
        MicroConfig off = MicroConfig.of(Map.of("micro.telemetry.otel.enabled", "false"));
        assertThat(new OtelTelemetryProvider().create(off, beans(bean))).isEmpty();
        MicroConfig on = MicroConfig.of(Map.of("micro.telemetry.otel.enabled", "true"));
        assertThat(new OtelTelemetryProvider().create(on, beans(bean))).isPresent();
    }

    @Test
    void aBadEnabledValueFailsNamingTheKey() {
        MicroConfig bad = MicroConfig.of(Map.of("micro.telemetry.otel.enabled", "yes"));
        assertThatThrownBy(() -> new OtelTelemetryProvider().create(bad, beans(bean)))
                .hasMessageContaining("micro.telemetry.otel.enabled");
    }

    @Test
    void theFrameworkFindsItOnTheClassPath() {
        Telemetry loaded = Telemetries.load(getClass().getClassLoader(), DEFAULTS, beans(bean));
        assertThat(loaded.enabled()).isTrue();
        assertThat(loaded).isInstanceOf(OtelTelemetry.class);
        serve(loaded);
        assertThat(beanSpans.getFinishedSpanItems()).singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo("greeter.Greeter/Hello"));

        MicroConfig off = MicroConfig.of(Map.of("micro.telemetry.otel.enabled", "false"));
        assertThat(Telemetries.load(getClass().getClassLoader(), off, beans(bean))).isSameAs(Telemetry.NONE);
        assertThat(new OtelTelemetryProvider().name()).isEqualTo("otel");
    }

    @Test
    void withoutTheApiInSightItFailsAtStartSayingWhatToDo() throws Exception {
        // this module and microcdi-api in a class loader of their own, the OpenTelemetry API left out, as on Open
        // Liberty when the application's <classloader> does not ask for mpTelemetry's third-party API
        URL[] jars = {codeSource(OtelTelemetryProvider.class), codeSource(MicroConfig.class)};
        try (URLClassLoader noApi = new URLClassLoader(jars, ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> Class.forName(OpenTelemetry.class.getName(), false, noApi))
                    .isInstanceOf(ClassNotFoundException.class);
            Class<?> config = noApi.loadClass(MicroConfig.class.getName());
            Class<?> beans = noApi.loadClass(TelemetryProvider.Beans.class.getName());
            Method load = noApi.loadClass(Telemetries.class.getName())
                    .getMethod("load", ClassLoader.class, config, beans);
            Object defaults = config.getMethod("of", Map.class).invoke(null, Map.of());
            Object none = beans.getField("NONE").get(null);

            assertThatThrownBy(() -> load.invoke(null, noApi, defaults, none))
                    .cause()
                    .satisfies(e -> assertThat(e.getClass().getName()).isEqualTo(ConfigException.class.getName()))
                    .hasMessageStartingWith("micro.telemetry.otel.enabled=true, but microcdi-telemetry-otel does not "
                            + "see the OpenTelemetry API (io.opentelemetry.api.OpenTelemetry)")
                    .hasMessageContaining("<classloader apiTypeVisibility=\"+third-party\"/>")
                    .hasMessageEndingWith("(expected: the API visible, or micro.telemetry.otel.enabled=false)");

            // turned off, the module never looks
            Object off = config.getMethod("of", Map.class).invoke(null, Map.of("micro.telemetry.otel.enabled", "false"));
            assertThat(load.invoke(null, noApi, off, none)).hasToString(Telemetry.NONE.toString());
        }
        OtelTelemetryProvider.requireApi(getClass().getClassLoader());   // in sight here: nothing thrown
    }

    private static URL codeSource(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }

    private static void serve(Telemetry t) {
        t.serverCall("mucp", "greeter", "Greeter.Hello", Metadata.empty()).end(0, null);
    }

    private static OpenTelemetrySdk sdk(InMemorySpanExporter exporter) {
        return OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
    }

    /** A container holding one OpenTelemetry bean. */
    private static TelemetryProvider.Beans beans(OpenTelemetry otel) {
        return new TelemetryProvider.Beans() {
            @Override
            public <T> Optional<T> get(Class<T> type) {
                return type == OpenTelemetry.class ? Optional.of(type.cast(otel)) : Optional.empty();
            }
        };
    }
}
