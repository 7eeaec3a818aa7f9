package io.microcdi.registry.etcd;

import io.microcdi.config.MicroConfig;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the {@code etcd} registry, read once from {@code micro.registry.etcd.*}; a bad value fails at start,
 * naming its key.
 *
 * <pre>{@code
 * micro.registry=etcd
 * micro.registry.etcd.endpoints=10.0.0.1:2379,10.0.0.2:2379,10.0.0.3:2379
 * micro.registry.etcd.tls.ca=/etc/micro/etcd-ca.pem
 * }</pre>
 *
 * @param endpoints      the members to talk to, {@code http://host:port} or {@code https://host:port}
 * @param username       etcd user (with {@code password}), or {@code null} when auth is off
 * @param password       that user's password, or {@code null}
 * @param tls            the TLS files, or {@code null} for plain-text connections
 * @param dialTimeout    how long a connection to a member may take to open
 * @param requestTimeout how long one registry operation (a lookup, a registration) may take in all
 * @param prefix         where the keys live, {@code /micro/registry/} as in Go Micro; starts and ends with {@code /}
 */
public record EtcdRegistryConfig(List<URI> endpoints, String username, String password, Tls tls,
                                 Duration dialTimeout, Duration requestTimeout, String prefix) {

    public static final String ENDPOINTS = "micro.registry.etcd.endpoints";
    public static final String USERNAME = "micro.registry.etcd.username";
    public static final String PASSWORD = "micro.registry.etcd.password";
    public static final String TLS_CA = "micro.registry.etcd.tls.ca";
    public static final String TLS_CERT = "micro.registry.etcd.tls.cert";
    public static final String TLS_KEY = "micro.registry.etcd.tls.key";
    public static final String DIAL_TIMEOUT = "micro.registry.etcd.dial-timeout";
    public static final String REQUEST_TIMEOUT = "micro.registry.etcd.request-timeout";
    public static final String PREFIX = "micro.registry.etcd.prefix";

    /** Go Micro's default endpoint. */
    public static final String DEFAULT_ENDPOINTS = "127.0.0.1:2379";
    /** Go Micro's key prefix. */
    public static final String DEFAULT_PREFIX = "/micro/registry/";
    public static final Duration DEFAULT_DIAL_TIMEOUT = Duration.ofSeconds(5);
    /** Go Micro's operation timeout. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    /**
     * The PEM files of a TLS connection to etcd.
     *
     * @param ca   the certificates that sign the members' certificates, or {@code null} for the JDK's trust store
     * @param cert this client's certificate chain, or {@code null} when etcd does not ask for one
     * @param key  the PKCS#8 private key of {@code cert}, or {@code null}
     */
    public record Tls(Path ca, Path cert, Path key) {
    }

    public EtcdRegistryConfig {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("endpoints: none (expected: at least one)");
        }
        Objects.requireNonNull(dialTimeout, "dialTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(prefix, "prefix");
    }

    /** Plain-text connections to {@code endpoints} (comma-separated {@code host:port} or URLs), defaults otherwise. */
    public static EtcdRegistryConfig of(String endpoints) {
        return from(MicroConfig.of(java.util.Map.of(ENDPOINTS, endpoints)));
    }

    /** The same settings under another key prefix (tests keep their keys apart with it). */
    public EtcdRegistryConfig withPrefix(String newPrefix) {
        return new EtcdRegistryConfig(endpoints, username, password, tls, dialTimeout, requestTimeout,
                checkPrefix(newPrefix));
    }

    /** The same settings with another request timeout. */
    public EtcdRegistryConfig withRequestTimeout(Duration timeout) {
        return new EtcdRegistryConfig(endpoints, username, password, tls, dialTimeout, timeout, prefix);
    }

    /**
     * Reads the settings.
     *
     * @throws io.microcdi.config.ConfigException naming the key of a bad value
     */
    public static EtcdRegistryConfig from(MicroConfig config) {
        Path ca = file(config, TLS_CA);
        Path cert = file(config, TLS_CERT);
        Path key = file(config, TLS_KEY);
        if ((cert == null) != (key == null)) {
            String set = cert != null ? TLS_CERT : TLS_KEY;
            String unset = cert != null ? TLS_KEY : TLS_CERT;
            throw MicroConfig.invalid(set, config.get(set, ""), "set together with " + unset
                    + " (a client certificate needs its key)");
        }
        Tls tls = ca != null || cert != null ? new Tls(ca, cert, key) : null;
        List<URI> endpoints = endpoints(config.get(ENDPOINTS, DEFAULT_ENDPOINTS), tls != null);
        if (tls == null && endpoints.stream().anyMatch(u -> u.getScheme().equals("https"))) {
            tls = new Tls(null, null, null); // https:// alone: TLS with the JDK's trust store
        }
        String username = config.get(USERNAME).orElse(null);
        String password = config.get(PASSWORD).orElse(null);
        if ((username == null) != (password == null)) {
            String set = username != null ? USERNAME : PASSWORD;
            throw MicroConfig.invalid(set, username != null ? username : "(hidden)", "set together with "
                    + (username != null ? PASSWORD : USERNAME));
        }
        return new EtcdRegistryConfig(endpoints, username, password, tls,
                config.duration(DIAL_TIMEOUT, DEFAULT_DIAL_TIMEOUT),
                config.duration(REQUEST_TIMEOUT, DEFAULT_REQUEST_TIMEOUT),
                checkPrefix(config.get(PREFIX, DEFAULT_PREFIX)));
    }

    private static List<URI> endpoints(String raw, boolean tls) {
        List<URI> out = new ArrayList<>();
        String expected = "comma-separated host:port or http(s)://host:port of etcd members";
        for (String part : raw.split(",")) {
            String e = part.trim();
            if (e.isEmpty()) {
                continue;
            }
            String url = e.contains("://") ? e : (tls ? "https://" : "http://") + e;
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException ex) {
                throw MicroConfig.invalid(ENDPOINTS, raw, expected + "; " + e + " is not one");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw MicroConfig.invalid(ENDPOINTS, raw, expected + "; " + e + " is not one");
            }
            int port = uri.getPort() < 0 ? 2379 : uri.getPort(); // Go Micro's default port, as it adds it
            try {
                out.add(new URI(scheme, null, uri.getHost(), port, null, null, null));
            } catch (URISyntaxException ex) {
                throw MicroConfig.invalid(ENDPOINTS, raw, expected + "; " + e + " is not one");
            }
        }
        if (out.isEmpty()) {
            throw MicroConfig.invalid(ENDPOINTS, raw, expected);
        }
        return out;
    }

    private static Path file(MicroConfig config, String key) {
        String value = config.get(key).orElse(null);
        if (value == null) {
            return null;
        }
        Path p = Path.of(value);
        if (!Files.isReadable(p) || Files.isDirectory(p)) {
            throw MicroConfig.invalid(key, value, "a readable PEM file");
        }
        return p;
    }

    private static String checkPrefix(String prefix) {
        String p = prefix.endsWith("/") ? prefix : prefix + "/";
        if (!p.startsWith("/") || p.length() < 2) {
            throw MicroConfig.invalid(PREFIX, prefix, "a key path starting with /, such as " + DEFAULT_PREFIX);
        }
        return p;
    }

    @Override
    public String toString() {
        // never the password
        return "EtcdRegistryConfig[endpoints=" + endpoints + ", user=" + username + ", tls=" + (tls != null)
                + ", dialTimeout=" + dialTimeout + ", requestTimeout=" + requestTimeout + ", prefix=" + prefix + "]";
    }
}
