package io.microcdi.wrappers;

import io.microcdi.client.CallWrapper;
import io.microcdi.config.MicroConfig;

import java.lang.annotation.Annotation;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The built-in wrappers by the names {@code micro.server.wrappers} and {@code micro.client.wrappers} use: each one's
 * interceptor binding (added to every {@code @Service} class and class with {@code @Subscribe} methods) and client
 * side (the binding, added to every {@code @MicroClient}, or a {@link CallWrapper}).
 *
 * <pre>{@code
 * Set<BuiltInWrapper> on = BuiltInWrapper.parse("micro.server.wrappers", "logging, trace");   // LOGGING, TRACE
 * }</pre>
 */
public enum BuiltInWrapper {

    /** {@link Logged}; clients: the same binding. */
    LOGGING("logging", Logged.Literal.INSTANCE, null),
    /** {@link Measured}; clients: the same binding. */
    METRICS("metrics", Measured.Literal.INSTANCE, null),
    /** {@link TraceContext}; clients: {@link TraceContextWrapper}. */
    TRACE("trace", TraceContext.Literal.INSTANCE, TraceContextWrapper.class),
    /** {@link BearerToken}; clients: {@link BearerTokenWrapper}. */
    AUTH("auth", BearerToken.Literal.INSTANCE, BearerTokenWrapper.class);

    private final String configName;
    private final Annotation binding;
    private final Class<? extends CallWrapper> clientWrapper;

    BuiltInWrapper(String configName, Annotation binding, Class<? extends CallWrapper> clientWrapper) {
        this.configName = configName;
        this.binding = binding;
        this.clientWrapper = clientWrapper;
    }

    /** The name in configuration: {@code logging}, {@code metrics}, {@code trace}, {@code auth}. */
    public String configName() {
        return configName;
    }

    /** The interceptor binding, to add to a class. */
    public Annotation binding() {
        return binding;
    }

    /** Whether a client gets it as a {@link CallWrapper} ({@link #newClientWrapper}) rather than as its binding. */
    public boolean wrapsClients() {
        return clientWrapper != null;
    }

    /**
     * A new client wrapper, configured from {@code config}.
     *
     * @throws IllegalStateException when {@link #wrapsClients()} is false
     */
    public CallWrapper newClientWrapper(MicroConfig config) {
        return switch (this) {
            case TRACE -> new TraceContextWrapper();
            case AUTH -> BearerTokenWrapper.fromConfig(config);
            default -> throw new IllegalStateException(this + " adds its binding to clients, not a CallWrapper");
        };
    }

    /** The built-in whose client wrapper has the class named {@code className}. */
    public static Optional<BuiltInWrapper> ofClientWrapper(String className) {
        return Arrays.stream(values()).filter(b -> b.clientWrapper != null
                && b.clientWrapper.getName().equals(className)).findFirst();
    }

    /**
     * The built-ins a comma-separated list names, in declaration order; none for {@code ""}. Names are trimmed and
     * compared ignoring case.
     *
     * @throws io.microcdi.config.ConfigException naming {@code key} and the allowed names, for an unknown name
     */
    public static Set<BuiltInWrapper> parse(String key, String value) {
        Set<BuiltInWrapper> found = EnumSet.noneOf(BuiltInWrapper.class);
        for (String name : value.split(",")) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            if (n.isEmpty()) {
                continue;
            }
            BuiltInWrapper b = Arrays.stream(values()).filter(v -> v.configName.equals(n)).findFirst()
                    .orElseThrow(() -> MicroConfig.invalid(key, value, "a comma-separated list of "
                            + Arrays.stream(values()).map(BuiltInWrapper::configName)
                            .collect(Collectors.joining(", "))));
            found.add(b);
        }
        return found;
    }
}
