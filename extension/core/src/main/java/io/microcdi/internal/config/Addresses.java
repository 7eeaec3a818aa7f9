package io.microcdi.internal.config;

import io.microcdi.config.MicroConfig;

import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/**
 * The {@code host:port} settings of listeners (the RPC server's, the HTTP broker's) and the address a listener
 * registers.
 *
 * <pre>{@code
 * String bind = Addresses.hostPort(config, "micro.server.address", "127.0.0.1:0");   // ":0" becomes "0.0.0.0:0"
 * String registered = Addresses.advertisable(listener.address());                   // never a wildcard
 * }</pre>
 */
public final class Addresses {

    private static final System.Logger LOG = System.getLogger(Addresses.class.getName());

    private Addresses() {
    }

    /**
     * The {@code host:port} of {@code key}, or {@code fallback}; an empty host means every interface.
     *
     * @throws IllegalArgumentException naming the key when the value is not {@code host:port} with a port in
     *                                  {@code [0, 65535]}
     */
    public static String hostPort(MicroConfig c, String key, String fallback) {
        String a = c.get(key, fallback);
        int colon = a.lastIndexOf(':');
        if (colon < 0) {
            throw MicroConfig.invalid(key, a, "host:port, for example 127.0.0.1:8080 or :0");
        }
        try {
            int port = Integer.parseInt(a.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw MicroConfig.invalid(key, a, "a port in [0, 65535]");
            }
        } catch (NumberFormatException e) {
            throw MicroConfig.invalid(key, a, "host:port, for example 127.0.0.1:8080 or :0");
        }
        return colon == 0 ? "0.0.0.0" + a : a;
    }

    /**
     * The address to register for a bound one: a wildcard bind ({@code 0.0.0.0}, {@code [::]}) cannot be dialled, so
     * register the first site-local IPv4 address of an up interface, as Go Micro does, or loopback when there is none.
     */
    public static String advertisable(String bound) {
        int colon = bound.lastIndexOf(':');
        String host = bound.substring(0, colon);
        String port = bound.substring(colon + 1);
        if (!host.equals("0.0.0.0") && !host.equals("[::]") && !host.equals("::") && !host.isEmpty()) {
            return bound;
        }
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp() || ni.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (a instanceof Inet4Address && a.isSiteLocalAddress()) {
                        return a.getHostAddress() + ":" + port;
                    }
                }
            }
        } catch (SocketException e) {
            LOG.log(Level.DEBUG, "listing interfaces failed: {0}", e.getMessage());
        }
        return "127.0.0.1:" + port;
    }
}
