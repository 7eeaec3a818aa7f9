package io.microcdi.transport.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The two attacks of issue 18, measured against a {@link LimitsServer} started by hand (see {@code limits.md}):
 * {@code heads} opens connections that each send a request head just under the 1 MiB limit and never finish it;
 * {@code pipeline} sends calls for 64 KiB answers back to back on one connection and never reads. Before and after,
 * it prints the server's memory ({@code POST /stats}) and whether, and how fast, a fresh client is still answered.
 *
 * <pre>{@code
 * java -cp ... io.microcdi.transport.http.LimitsRepro 127.0.0.1:40123 heads 200
 * java -cp ... io.microcdi.transport.http.LimitsRepro 127.0.0.1:40123 pipeline 20000
 * }</pre>
 */
public final class LimitsRepro {

    private LimitsRepro() {
    }

    public static void main(String[] args) throws Exception {
        String address = args[0];
        String attack = args[1];
        int n = Integer.parseInt(args[2]);
        System.out.println("before:  " + probe(address) + " " + stats(address));
        List<Socket> held = new ArrayList<>();
        long start = System.nanoTime();
        if (attack.equals("heads")) {
            byte[] line = ("X-Pad: " + "a".repeat(8000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            int kept = 0;
            for (int c = 0; c < n; c++) {
                try {
                    Socket s = connect(address, 0);
                    held.add(s);
                    s.getOutputStream().write("POST / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    for (int sent = 0; sent + line.length < 900_000; sent += line.length) {
                        s.getOutputStream().write(line);
                    }
                    kept++;
                } catch (IOException e) {
                    // shed
                }
            }
            System.out.println("sent " + n + " heads of 900 kB (" + kept + " written whole) in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
        } else {
            Socket s = connect(address, 8192);
            held.add(s);
            byte[] one = ("POST / HTTP/1.1\r\nHost: x\r\nX-Answer-Size: 65536\r\nContent-Length: 2\r\n\r\n{}")
                    .getBytes(StandardCharsets.ISO_8859_1);
            CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < n; i++) {
                        s.getOutputStream().write(one);
                    }
                } catch (IOException e) {
                    System.out.println("pipelining client: " + e);
                }
            });
            Thread.sleep(10_000); // let the server do what it does with them
            System.out.println("sent up to " + n + " pipelined calls for 64 KiB answers, read none");
        }
        System.out.println("after:   " + probe(address) + " " + stats(address));
        for (Socket s : held) {
            s.close();
        }
    }

    private static Socket connect(String address, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.setSoTimeout(10_000);
        var a = HttpWire.parse(address, true);
        s.connect(new InetSocketAddress(a.getAddress(), a.getPort()), 5_000);
        return s;
    }

    /** A fresh client's call: answered or not, and how long it took. */
    private static String probe(String address) {
        long start = System.nanoTime();
        try (Socket s = connect(address, 0)) {
            s.getOutputStream().write(RawHttp.call("{\"probe\":1}").getBytes(StandardCharsets.ISO_8859_1));
            byte[] b = s.getInputStream().readNBytes(15);
            String status = new String(b, StandardCharsets.ISO_8859_1);
            return "probe " + (status.startsWith("HTTP/1.1 200") ? "answered" : "NOT answered (" + status + ")")
                    + " in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms";
        } catch (IOException e) {
            return "probe NOT answered (" + e + ") after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
                    + " ms";
        }
    }

    private static String stats(String address) {
        try (Socket s = connect(address, 0)) {
            s.getOutputStream().write(("POST /stats HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close"
                    + "\r\n\r\n{}").getBytes(StandardCharsets.ISO_8859_1));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return all.substring(all.indexOf("\r\n\r\n") + 4);
        } catch (IOException e) {
            return "(no stats: " + e + ")";
        }
    }
}
