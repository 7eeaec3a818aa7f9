package io.microcdi.client.rpc;

import io.microcdi.codec.Codecs;
import io.microcdi.config.ConfigException;
import io.microcdi.config.MicroConfig;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-service client keys, {@code micro.client.<service>.*}: their names, the services a configuration names in
 * them, and the check of every such key when the client is made (at start), so that a bad value fails the start
 * rather than the first call to that service.
 *
 * <pre>{@code
 * String key = ServiceKeys.key(ServiceKeys.RETRIES, "greeter");          // micro.client.greeter.retries
 * ServiceKeys.check(config, RpcClientConfig.from(config), codecs, List.of("greeter"));
 * }</pre>
 *
 * <p>Environment variables: MicroProfile Config maps {@code MICRO_CLIENT_GREETER_RETRIES} to
 * {@code micro.client.greeter.retries} only when that key is looked up, and the variable's name cannot tell
 * {@code go.micro.srv.greeter} from {@code go_micro_srv_greeter}. A variable whose name ends with a per-service
 * suffix is therefore checked under the lower-cased name it spells, which MicroProfile Config maps back to the same
 * variable; the problem names the variable.
 */
public final class ServiceKeys {

    /** The placeholder of the service name in the templates below. */
    public static final String SERVICE = "<service>";
    public static final String CONTENT_TYPE = "micro.client.<service>.content-type";
    public static final String REQUEST_TIMEOUT = "micro.client.<service>.request-timeout";
    public static final String RETRIES = "micro.client.<service>.retries";
    public static final String ATTEMPT_TIMEOUT = "micro.client.<service>.attempt-timeout";
    public static final String VERSION = "micro.client.<service>.version";
    public static final String LABELS = "micro.client.<service>.labels";
    public static final String ENDPOINT_FILTER = "micro.client.<service>.endpoint-filter";
    public static final String PROTOCOL = "micro.client.<service>.protocol";

    /** Every template, the longest suffix first so that none shadows another. */
    static final List<String> ALL = List.of(ENDPOINT_FILTER, REQUEST_TIMEOUT, ATTEMPT_TIMEOUT, CONTENT_TYPE, RETRIES,
            PROTOCOL, VERSION, LABELS);

    private static final String DOTTED = "micro.client.";
    private static final String ENV = "MICRO_CLIENT_";

    private ServiceKeys() {
    }

    /** The key {@code template} names for {@code service}. */
    public static String key(String template, String service) {
        return template.replace(SERVICE, service);
    }

    /**
     * The services named in {@code config}'s keys, each with the key or environment variable it was first seen
     * under: {@code micro.client.greeter.retries} names {@code greeter}, {@code MICRO_CLIENT_GREETER_RETRIES} names
     * {@code greeter} too. Client-wide keys ({@code micro.client.retries}) name none.
     */
    public static Map<String, String> servicesNamed(MicroConfig config) {
        Map<String, String> services = new LinkedHashMap<>();
        for (String name : config.names()) {
            String service = serviceOf(name);
            if (service != null) {
                services.putIfAbsent(service, name);
            }
        }
        return services;
    }

    /** The service {@code name} (a key or an environment variable) is about, or {@code null}. */
    static String serviceOf(String name) {
        boolean dotted = name.startsWith(DOTTED);
        if (!dotted && !(name.regionMatches(true, 0, ENV, 0, ENV.length()) && name.indexOf('.') < 0)) {
            return null;
        }
        String rest = name.substring((dotted ? DOTTED : ENV).length());
        for (String template : ALL) {
            String suffix = template.substring(template.indexOf(SERVICE) + SERVICE.length()); // ".retries"
            if (!dotted) {
                suffix = suffix.replace('.', '_').replace('-', '_');
            }
            if (rest.length() > suffix.length() && rest.regionMatches(!dotted, rest.length() - suffix.length(),
                    suffix, 0, suffix.length())) {
                String service = rest.substring(0, rest.length() - suffix.length());
                return dotted ? service : service.toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    /**
     * Reads every per-service key of every service {@code config} names and of {@code more} (the services typed
     * clients call), on top of {@code client}'s settings; each content type must be one of {@code codecs}.
     *
     * @throws ConfigException listing every bad key with its value and what it should be
     */
    public static void check(MicroConfig config, RpcClientConfig client, Codecs codecs, Collection<String> more) {
        Map<String, String> services = new LinkedHashMap<>(servicesNamed(config));
        for (String s : more) {
            services.putIfAbsent(s, s);
        }
        List<String> problems = new ArrayList<>();
        services.forEach((service, seenAs) -> {
            // named by an environment variable: say which, as the key checked is only its lower-cased spelling
            String where = seenAs.startsWith(DOTTED) || seenAs.equals(service) ? "" : seenAs + ": ";
            try {
                client.forService(config, service);
            } catch (IllegalArgumentException e) {
                problems.add(where + e.getMessage());
            }
            String key = key(CONTENT_TYPE, service);
            config.get(key).filter(type -> codecs.get(type) == null).ifPresent(type -> problems.add(where
                    + MicroConfig.invalid(key, type, "one of " + String.join(", ", codecs.contentTypes()))
                    .getMessage()));
        });
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
    }
}
