package io.microcdi.internal.config;

import io.microcdi.config.MicroConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys that moved from a concern's namespace to a plugin's ({@code micro.client.pool-size} is the HTTP
 * transport's, now {@code micro.transport.http.pool-size}); a start with an old key set fails, naming the new one.
 *
 * <pre>{@code
 * RenamedKeys.problems(config);   // [micro.client.pool-size is no longer read (expected: micro.transport.http.pool-size, its new name)]
 * }</pre>
 *
 * <p>Failing rather than warning: an old key read by nobody would silently change behaviour, and for the TLS keys it
 * would mean plain text where the user asked for TLS. The old names are looked up one by one, so an environment
 * variable spelling one ({@code MICRO_CLIENT_POOL_SIZE}) is caught too.
 */
public final class RenamedKeys {

    /** Old name to new name, in the order of the configuration table. */
    static final Map<String, String> RENAMED = renamed();

    private RenamedKeys() {
    }

    /** One problem per old key that is set; empty when none is. */
    public static List<String> problems(MicroConfig config) {
        List<String> problems = new ArrayList<>();
        RENAMED.forEach((old, now) -> {
            if (config.get(old).isPresent()) {
                // the value is not repeated: one of these keys holds a keystore password
                problems.add(old + " is no longer read (expected: " + now + ", its new name)");
            }
        });
        return problems;
    }

    private static Map<String, String> renamed() {
        Map<String, String> m = new LinkedHashMap<>();
        String http = "micro.transport.http.";
        m.put("micro.transport.io-threads", http + "io-threads");
        m.put("micro.transport.h2-streams", http + "h2-streams");
        m.put("micro.server.max-body-size", http + "max-body-size");
        m.put("micro.server.idle-timeout", http + "idle-timeout");
        m.put("micro.client.pool-size", http + "pool-size");
        m.put("micro.client.pool-ttl", http + "pool-ttl");
        m.put("micro.client.dial-timeout", http + "dial-timeout");
        for (String tls : List.of("cert", "key", "keystore", "keystore-password", "trust", "client-auth")) {
            m.put("micro.transport.tls." + tls, http + "tls." + tls);
        }
        m.put("micro.broker.address", "micro.broker.http.address");
        m.put("micro.broker.advertise", "micro.broker.http.advertise");
        m.put("micro.registry.timeout", "micro.registry.mdns.timeout");
        return java.util.Collections.unmodifiableMap(m);
    }
}
