package io.microcdi.registry.mdns;

import io.microcdi.config.MicroConfig;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Settings of the {@code mdns} registry, read once from {@code micro.registry.mdns.*}.
 *
 * <pre>{@code
 * MdnsRegistryConfig config = MdnsRegistryConfig.from(microConfig);   // micro.registry.mdns.interface=eth0
 * }</pre>
 *
 * @param interfaceName the configured interface or address, or {@code loopback} when unset; for messages
 * @param bindAddress   the address mDNS binds to and multicasts from; every packet leaves on its interface only
 * @param timeout       how long after start {@code getService} waits for the first node of a name not seen yet
 */
public record MdnsRegistryConfig(String interfaceName, InetAddress bindAddress, Duration timeout) {

    /** Names an interface ({@code lo}, {@code eth0}) or one of its addresses to run mDNS on. */
    public static final String INTERFACE_KEY = "micro.registry.mdns.interface";

    /** How long a lookup of a not-yet-seen service waits for its first node. */
    public static final String TIMEOUT_KEY = "micro.registry.mdns.timeout";

    /** The interface used when none is set (and a value naming it): loopback, so nothing leaves the machine. */
    public static final String DEFAULT_INTERFACE = "loopback";

    /** The loopback address bound when {@link #INTERFACE_KEY} is unset. */
    public static final InetAddress DEFAULT_BIND_ADDRESS = loopbackV4();

    /**
     * Default of {@link #TIMEOUT_KEY}: a freshly started process hears of existing nodes after about a second, so a
     * first call made at once should not give up before that.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final String EXPECTED =
            "the name of an interface that is up (such as lo or eth0) or an IP address of one";

    public MdnsRegistryConfig {
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0)");
        }
    }

    /** Loopback with the default timeout. */
    public static MdnsRegistryConfig defaults() {
        return new MdnsRegistryConfig(DEFAULT_INTERFACE, DEFAULT_BIND_ADDRESS, DEFAULT_TIMEOUT);
    }

    /**
     * Reads the settings; a bad value fails here, naming its key.
     *
     * @throws io.microcdi.config.ConfigException when the interface is unknown, down or has no address
     */
    public static MdnsRegistryConfig from(MicroConfig config) {
        Duration timeout = config.duration(TIMEOUT_KEY, DEFAULT_TIMEOUT);
        String value = config.get(INTERFACE_KEY).orElse(null);
        if (value == null || value.equalsIgnoreCase(DEFAULT_INTERFACE)) {
            return new MdnsRegistryConfig(DEFAULT_INTERFACE, DEFAULT_BIND_ADDRESS, timeout);
        }
        return new MdnsRegistryConfig(value, resolve(value), timeout);
    }

    /** The same settings with another lookup timeout. */
    public MdnsRegistryConfig withTimeout(Duration newTimeout) {
        return new MdnsRegistryConfig(interfaceName, bindAddress, newTimeout);
    }

    private static InetAddress resolve(String value) {
        try {
            NetworkInterface nif = NetworkInterface.getByName(value);
            if (nif != null) {
                if (!nif.isUp()) {
                    throw MicroConfig.invalid(INTERFACE_KEY, value, EXPECTED + "; " + value + " is down");
                }
                return preferred(Collections.list(nif.getInetAddresses()))
                        .orElseThrow(() -> MicroConfig.invalid(INTERFACE_KEY, value,
                                EXPECTED + "; " + value + " has no IP address"));
            }
            // Only literals: a host name here would mean a DNS lookup at start, and an address we may not own.
            if (isIpLiteral(value)) {
                InetAddress address = InetAddress.getByName(value);
                if (NetworkInterface.getByInetAddress(address) != null) {
                    return address;
                }
            }
        } catch (SocketException | UnknownHostException e) {
            // reported below with the key
        }
        throw MicroConfig.invalid(INTERFACE_KEY, value, EXPECTED);
    }

    /** IPv4 first: the IPv6 mDNS group needs a scope, and most peers browse IPv4. */
    private static java.util.Optional<InetAddress> preferred(List<InetAddress> addresses) {
        return addresses.stream().filter(a -> a instanceof Inet4Address).findFirst()
                .or(() -> addresses.stream().filter(a -> !a.isLinkLocalAddress()).findFirst())
                .or(() -> addresses.stream().findFirst());
    }

    private static boolean isIpLiteral(String value) {
        var m = IPV4.matcher(value);
        if (m.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(m.group(i)) > 255) {
                    return false;
                }
            }
            return true;
        }
        return value.indexOf(':') >= 0; // Java parses anything with a colon as an IPv6 literal, never via DNS
    }

    private static InetAddress loopbackV4() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always a valid IPv4 address
        }
    }
}
