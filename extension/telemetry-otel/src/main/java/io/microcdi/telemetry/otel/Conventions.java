package io.microcdi.telemetry.otel;

import io.opentelemetry.api.common.AttributeKey;

import java.util.Locale;

/**
 * Which of OpenTelemetry's RPC conventions the spans follow, and the attribute keys of both.
 *
 * <pre>{@code
 * Conventions c = Conventions.fromEnvironment();   // OTEL_SEMCONV_STABILITY_OPT_IN=rpc/dup: both sets
 * }</pre>
 *
 * <p>By default the spans follow semantic conventions v1.37.0, the last of the experimental RPC conventions and the
 * version Quarkus 3.33 and its instrumentations emit. {@code OTEL_SEMCONV_STABILITY_OPT_IN} (or the system property
 * {@code otel.semconv-stability.opt-in}) set to {@code rpc} switches to the release-candidate RPC conventions of
 * v1.44.0 ({@code rpc.system.name}, a fully qualified {@code rpc.method}, {@code rpc.response.status_code}), and
 * {@code rpc/dup} emits both, as those conventions ask of instrumentations that emitted the old ones. The messaging
 * attributes are the same in both versions. The keys are written here rather than taken from the semconv artifact,
 * which is not stable and would be one more jar for a handful of strings.
 */
enum Conventions {
    /** v1.37.0: {@code rpc.system}, {@code rpc.service}, {@code rpc.method}, {@code rpc.grpc.status_code}. */
    V1_37(true, false),
    /** v1.44.0's release candidate: {@code rpc.system.name}, {@code rpc.method} = service/method, status as text. */
    STABLE(false, true),
    /** Both sets of attributes on every span. */
    DUP(true, true);

    /** The schema of the default conventions, given to the tracer. */
    static final String SCHEMA_1_37 = "https://opentelemetry.io/schemas/1.37.0";
    static final String SCHEMA_1_44 = "https://opentelemetry.io/schemas/1.44.0";

    // RPC, v1.37.0
    static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
    static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
    static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
    static final AttributeKey<Long> RPC_GRPC_STATUS_CODE = AttributeKey.longKey("rpc.grpc.status_code");
    // RPC, v1.44.0 (rpc.method is the same key, holding service/method)
    static final AttributeKey<String> RPC_SYSTEM_NAME = AttributeKey.stringKey("rpc.system.name");
    static final AttributeKey<String> RPC_RESPONSE_STATUS_CODE = AttributeKey.stringKey("rpc.response.status_code");
    /** {@code rpc.method} of a request for a method the server does not know (v1.44.0). */
    static final String OTHER = "_OTHER";

    // both
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    /**
     * Which attempt of its call a client span is, from 1. No convention names one for RPC (HTTP has
     * {@code http.request.resend_count}, set from the second attempt only): ours, under our own namespace.
     */
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("microcdi.rpc.attempt");
    static final AttributeKey<String> CODE_FUNCTION_NAME = AttributeKey.stringKey("code.function.name");

    // messaging (the same in v1.37.0 and v1.44.0)
    static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> MESSAGING_DESTINATION_NAME =
            AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> MESSAGING_OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> MESSAGING_OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    static final AttributeKey<String> MESSAGING_CONSUMER_GROUP_NAME =
            AttributeKey.stringKey("messaging.consumer.group.name");

    /** The variable, and the system property, OpenTelemetry's instrumentations read the opt-in from. */
    static final String OPT_IN_ENV = "OTEL_SEMCONV_STABILITY_OPT_IN";
    static final String OPT_IN_PROPERTY = "otel.semconv-stability.opt-in";

    final boolean old;
    final boolean stable;

    Conventions(boolean old, boolean stable) {
        this.old = old;
        this.stable = stable;
    }

    /** The schema URL of the spans: the newer conventions' when they are emitted alone. */
    String schemaUrl() {
        return this == STABLE ? SCHEMA_1_44 : SCHEMA_1_37;
    }

    /** From the system property, else the environment variable; {@link #V1_37} when neither names {@code rpc}. */
    static Conventions fromEnvironment() {
        String optIn = System.getProperty(OPT_IN_PROPERTY);
        return parse(optIn != null ? optIn : System.getenv(OPT_IN_ENV));
    }

    /** {@code rpc/dup} wins over {@code rpc}; other categories ({@code http}, {@code messaging}) are not ours. */
    static Conventions parse(String optIn) {
        if (optIn == null) {
            return V1_37;
        }
        boolean rpc = false;
        for (String part : optIn.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.equals("rpc/dup")) {
                return DUP;
            }
            rpc |= p.equals("rpc");
        }
        return rpc ? STABLE : V1_37;
    }
}
