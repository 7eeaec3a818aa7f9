package io.microcdi.telemetry.otel;

import io.microcdi.config.ConfigException;
import io.microcdi.config.MicroConfig;
import io.microcdi.telemetry.Telemetry;
import io.microcdi.telemetry.TelemetryProvider;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.TracerProvider;

import java.lang.System.Logger.Level;
import java.util.Optional;

/**
 * Traces to the application's OpenTelemetry: the container's {@link OpenTelemetry} bean (Quarkus'
 * {@code quarkus-opentelemetry}, Liberty's {@code mpTelemetry}) when it has one, else the global one (the Java agent
 * sets it, or the application before the container starts). Off when {@code micro.telemetry.otel.enabled=false},
 * and when that OpenTelemetry traces nothing (its tracer provider is the no-op one), so nothing is paid for spans
 * nobody exports.
 *
 * <pre>{@code
 * <dependency><groupId>io.microcdi</groupId><artifactId>microcdi-telemetry-otel</artifactId></dependency>
 * micro.telemetry.otel.enabled=false      # keep the jar, record nothing
 * }</pre>
 */
public final class OtelTelemetryProvider implements TelemetryProvider {

    private static final System.Logger LOG = System.getLogger(OtelTelemetryProvider.class.getName());

    /** The name in {@code micro.telemetry.otel.enabled}. */
    public static final String NAME = "otel";
    /** Whether to trace when an OpenTelemetry is there. */
    static final String ENABLED = "micro.telemetry.otel.enabled";

    /** The API's entry point, looked up by name before the API is touched. */
    private static final String API = "io.opentelemetry.api.OpenTelemetry";
    /** The class {@link GlobalOpenTelemetry#get()} configures the SDK with, when it is on the class path... */
    private static final String AUTOCONFIGURE = "io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk";
    /** ...and this property (or its environment variable) is {@code true}. */
    private static final String AUTOCONFIGURE_PROPERTY = "otel.java.global-autoconfigure.enabled";
    private static final String AUTOCONFIGURE_ENV = "OTEL_JAVA_GLOBAL_AUTOCONFIGURE_ENABLED";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Telemetry> create(MicroConfig config, Beans beans) {
        if (!config.bool(ENABLED, true)) {
            return Optional.empty();
        }
        requireApi(OtelTelemetryProvider.class.getClassLoader());
        Optional<OpenTelemetry> bean = beans.get(OpenTelemetry.class);
        OpenTelemetry otel = bean.orElseGet(OtelTelemetryProvider::global);
        // said once at start: a module that traces nothing is otherwise silent about why
        if (otel.getTracerProvider() != TracerProvider.noop()) {
            LOG.log(Level.INFO, "OpenTelemetry spans of calls and messages to the {0}",
                    bean.isPresent() ? "container's OpenTelemetry bean" : "global OpenTelemetry");
            return Optional.of(new OtelTelemetry(otel, Conventions.fromEnvironment()));
        }
        if (bean.isPresent()) {
            LOG.log(Level.INFO, "no OpenTelemetry spans: the container's OpenTelemetry bean traces nothing (its SDK "
                    + "is off; on Open Liberty otel.sdk.disabled=false turns it on)");
        } else {
            LOG.log(Level.INFO, "no OpenTelemetry spans: no OpenTelemetry bean and no global OpenTelemetry (on an "
                    + "application server, an OpenTelemetry API packaged in the application hides the server's bean)");
        }
        return Optional.empty();
    }

    /**
     * Fails at start, saying what to do, when {@code loader} does not see the OpenTelemetry API: an application
     * server's API left out of the application's view (Open Liberty's {@code mpTelemetry} shows it only to an
     * application whose {@code <classloader>} asks for {@code +third-party}), or a build that excluded it. Without
     * this, the first use of the API is a {@link NoClassDefFoundError} naming no remedy.
     */
    static void requireApi(ClassLoader loader) {
        try {
            Class.forName(API, false, loader);
        } catch (ClassNotFoundException | LinkageError absent) {
            throw new ConfigException(ENABLED + "=true, but microcdi-telemetry-otel does not see the OpenTelemetry "
                    + "API (" + API + "): add io.opentelemetry:opentelemetry-api, or make the server's visible (Open "
                    + "Liberty's mpTelemetry: <classloader apiTypeVisibility=\"+third-party\"/> in the application's "
                    + "element of server.xml) (expected: the API visible, or " + ENABLED + "=false)");
        }
    }

    /**
     * The global OpenTelemetry, when set or when OpenTelemetry's autoconfiguration is on. {@link
     * GlobalOpenTelemetry#get()} is asked only then: otherwise it would fix the global to the no-op one, and an
     * application setting its own later would fail.
     */
    static OpenTelemetry global() {
        if (globalIsSet() || autoconfigurable()) {
            return GlobalOpenTelemetry.get();
        }
        return OpenTelemetry.noop();
    }

    /**
     * {@link GlobalOpenTelemetry#isSet()}, which came in OpenTelemetry 1.57. An application server may provide an
     * older API (Open Liberty's {@code mpTelemetry-2.0} gives 1.39, {@code mpTelemetry-2.1} 1.48), where nothing tells
     * without {@code get()} fixing the global: then it counts as not set. Such a server hands out its OpenTelemetry as
     * a bean, and its {@code GlobalOpenTelemetry} is the no-op one (Liberty's warns when asked).
     */
    private static boolean globalIsSet() {
        try {
            return GlobalOpenTelemetry.isSet();
        } catch (NoSuchMethodError olderApi) {
            return false;
        }
    }

    private static boolean autoconfigurable() {
        String on = System.getProperty(AUTOCONFIGURE_PROPERTY);
        if (!Boolean.parseBoolean(on != null ? on : System.getenv(AUTOCONFIGURE_ENV))) {
            return false;
        }
        try {
            Class.forName(AUTOCONFIGURE, false, OtelTelemetryProvider.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "OtelTelemetryProvider";
    }
}
