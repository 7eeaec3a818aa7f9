package io.microcdi.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * mDNS kept on the loopback interface, so that tests of the {@code mdns} registry never send a packet onto a real
 * network.
 *
 * <pre>{@code
 * @BeforeAll static void loopbackMulticast() { LoopbackMdns.assertMulticastWorks(); }
 * Registry r = provider.create(configOf(LoopbackMdns.settings()));   // micro.registry.mdns.interface=127.0.0.1
 * }</pre>
 */
public final class LoopbackMdns {

    /** The key that names the interface the {@code mdns} registry binds to. */
    public static final String INTERFACE_KEY = "micro.registry.mdns.interface";

    /** An administratively scoped group: the check never reaches an mDNS responder on this machine. */
    private static final String PROBE_GROUP = "239.255.83.69";

    private LoopbackMdns() {
    }

    /** The {@code micro.registry.mdns.*} settings that bind mDNS to {@code 127.0.0.1}. */
    public static Map<String, String> settings() {
        return Map.of(INTERFACE_KEY, "127.0.0.1");
    }

    /**
     * Fails with what to do when a multicast datagram sent on loopback does not come back within two seconds
     * (a container without multicast on {@code lo}, a firewall dropping it).
     */
    public static void assertMulticastWorks() {
        Optional<String> problem = multicastProblem(Duration.ofSeconds(2));
        if (problem.isPresent()) {
            throw new AssertionError("multicast on the loopback interface does not work here, so the mdns registry "
                    + "cannot be tested: " + problem.get());
        }
    }

    /** Why a multicast datagram sent on loopback did not come back within {@code timeout}, or empty when it did. */
    public static Optional<String> multicastProblem(Duration timeout) {
        NetworkInterface loopback;
        try {
            loopback = loopbackInterface();
        } catch (SocketException e) {
            return Optional.of("cannot list network interfaces: " + e.getMessage());
        }
        if (loopback == null) {
            return Optional.of("no loopback interface with an IPv4 address is up");
        }
        byte[] token = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
        try (MulticastSocket receiver = new MulticastSocket(0);
             MulticastSocket sender = new MulticastSocket(0)) {
            InetAddress group = InetAddress.getByName(PROBE_GROUP);
            receiver.joinGroup(new InetSocketAddress(group, 0), loopback);
            receiver.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            sender.setNetworkInterface(loopback);
            sender.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
            sender.setTimeToLive(1);
            sender.send(new DatagramPacket(token, token.length, group, receiver.getLocalPort()));
            byte[] buffer = new byte[token.length + 16];
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                receiver.receive(in);
                if (Arrays.equals(token, 0, token.length, in.getData(), 0, in.getLength())) {
                    return Optional.empty();
                }
            }
            return Optional.of("the datagram sent to " + PROBE_GROUP + " on " + loopback.getName()
                    + " did not come back within " + timeout.toMillis() + " ms");
        } catch (SocketTimeoutException e) {
            return Optional.of("the datagram sent to " + PROBE_GROUP + " on " + loopback.getName()
                    + " did not come back within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            return Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static NetworkInterface loopbackInterface() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(n -> {
                    try {
                        return n.isUp() && n.isLoopback()
                                && n.inetAddresses().anyMatch(a -> a instanceof Inet4Address);
                    } catch (SocketException e) {
                        return false;
                    }
                })
                .findFirst().orElse(null);
    }
}
