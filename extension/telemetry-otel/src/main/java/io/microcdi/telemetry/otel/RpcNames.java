package io.microcdi.telemetry.otel;

import io.microcdi.telemetry.Telemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;

/**
 * The span name and attributes of one endpoint over one protocol, made once: the same for its server spans and its
 * client spans (which add the node's address and the attempt).
 *
 * <pre>{@code
 * RpcNames n = RpcNames.of("mucp", "greeter", "Greeter.Hello", Conventions.V1_37);
 * n.name();   // "greeter.Greeter/Hello": rpc.service "greeter.Greeter", rpc.method "Hello"
 * }</pre>
 *
 * <p>A Go Micro endpoint {@code Handler.Method} of service {@code svc} is the RPC service {@code svc.Handler} and
 * method {@code Method}: the path Go Micro's gRPC plugin and ours serve it at ({@code /svc.Handler/Method}), so a
 * call has the same name over either protocol. Characters a protobuf package cannot hold become {@code _} there, and
 * here too. An endpoint the server does not serve ({@link Telemetry#UNKNOWN}) is named after the protocol alone,
 * with {@code rpc.method} {@code _OTHER} in the newer conventions and no method in the older.
 *
 * @param grpc whether the protocol is gRPC: status codes are gRPC's, and the server errs on gRPC's server errors
 */
record RpcNames(String name, Attributes attributes, boolean grpc) {

    static final String GRPC = "grpc";

    static RpcNames of(String protocol, String service, String endpoint, Conventions conventions) {
        boolean grpc = GRPC.equals(protocol);
        AttributesBuilder a = Attributes.builder();
        if (Telemetry.UNKNOWN.equals(endpoint)) {
            if (conventions.old) {
                a.put(Conventions.RPC_SYSTEM, protocol);
            }
            if (conventions.stable) {
                a.put(Conventions.RPC_SYSTEM_NAME, protocol).put(Conventions.RPC_METHOD, Conventions.OTHER);
            }
            return new RpcNames(protocol, a.build(), grpc);
        }
        int dot = endpoint.indexOf('.');
        String rpcService = dot < 0 ? packageOf(service) : packageOf(service) + "." + endpoint.substring(0, dot);
        String method = endpoint.substring(dot + 1);
        String full = rpcService + "/" + method;
        if (conventions.old) {
            a.put(Conventions.RPC_SYSTEM, protocol).put(Conventions.RPC_SERVICE, rpcService)
                    .put(Conventions.RPC_METHOD, method);
        }
        if (conventions.stable) {
            a.put(Conventions.RPC_SYSTEM_NAME, protocol).put(Conventions.RPC_METHOD, full);
        }
        return new RpcNames(full, a.build(), grpc);
    }

    /** {@code service} as a protobuf package, as the gRPC server names it: other characters become {@code _}. */
    static String packageOf(String service) {
        char[] c = service.toCharArray();
        for (int i = 0; i < c.length; i++) {
            char x = c[i];
            if (!(x == '.' || x == '_' || x >= 'a' && x <= 'z' || x >= 'A' && x <= 'Z' || x >= '0' && x <= '9')) {
                c[i] = '_';
            }
        }
        return new String(c);
    }
}
