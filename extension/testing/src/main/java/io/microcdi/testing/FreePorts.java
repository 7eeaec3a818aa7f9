package io.microcdi.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Free TCP ports on the loopback interface, for a server a test starts on a port it must know in advance (an external
 * process, a fixed advertise address).
 *
 * <pre>{@code
 * int port = FreePorts.one();
 * int[] cluster = FreePorts.distinct(3);   // three different ports, for a three-node etcd
 * }</pre>
 *
 * <p>A port is free when returned, not reserved: another process may take it before the test binds it. Prefer
 * binding to port 0 and reading the bound port wherever the code under test allows it.
 */
public final class FreePorts {

    private FreePorts() {
    }

    /** A TCP port nothing listens on at {@code 127.0.0.1}. */
    public static int one() {
        return distinct(1)[0];
    }

    /**
     * {@code count} different TCP ports nothing listens on at {@code 127.0.0.1}: each is held open until all are
     * found, so the operating system cannot hand out the same one twice.
     */
    public static int[] distinct(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count: " + count + " (expected: >= 1)");
        }
        List<ServerSocket> held = new ArrayList<>(count);
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1: " + e.getMessage(), e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // the port is still free for the caller: nothing to report
                }
            }
        }
    }
}
