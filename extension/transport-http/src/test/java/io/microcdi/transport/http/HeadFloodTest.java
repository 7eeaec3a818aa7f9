package io.microcdi.transport.http;

import io.microcdi.testing.ExternalProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attack of issue 18 on a server in a JVM of its own with a small heap ({@link LimitsServer}): many connections,
 * each holding a request head just under the 1 MiB head limit and never finishing it. With the defaults the server
 * sheds the heads past its budget and keeps serving; with the budget taken away the heap runs out on an event loop,
 * and the process exits with code 3 instead of living on deaf.
 */
class HeadFloodTest {

    /** 200 heads of 900 kB: 180 MB, far more than the child's heap. */
    private static final int CONNECTIONS = 200;
    private static final int HEAD_BYTES = 900_000;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private ExternalProcess server(String heap, String... config) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> args = new ArrayList<>(List.of("-Xmx" + heap, "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), LimitsServer.class.getName()));
        args.addAll(List.of(config));
        ExternalProcess p = ExternalProcess.builder(java, args.toArray(String[]::new))
                .name("limits-server")
                .start();
        closeables.add(p);
        return p;
    }

    private static String address(ExternalProcess p) {
        Matcher m = Pattern.compile("^listening (\\S+)").matcher(p.awaitLogLine(Pattern.compile("^listening "),
                Duration.ofSeconds(30)));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /**
     * Opens {@code connections} connections, each sending a head of {@code bytes} it never ends; the hogs the server
     * kept (the others it shed: refused, closed, or answered with an error).
     */
    private List<RawHttp> flood(String address, int connections, int bytes) throws IOException {
        byte[] line = ("X-Pad: " + "a".repeat(8000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        List<RawHttp> hogs = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            RawHttp hog;
            try {
                hog = RawHttp.connect(address);
            } catch (IOException refused) {
                continue;
            }
            closeables.add(hog);
            try {
                hog.out.write("POST / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
                for (int sent = 0; sent + line.length < bytes; sent += line.length) {
                    hog.out.write(line);
                }
                hog.out.flush();
                hogs.add(hog);
            } catch (IOException closedOnUs) {
                // shed while it wrote
            }
        }
        return hogs;
    }

    /** The hogs among {@code hogs} the server answered with {@code code} (and closed) or just closed. */
    private static int shed(List<RawHttp> hogs, int code) throws IOException {
        int n = 0;
        for (RawHttp hog : hogs) {
            hog.socket.setSoTimeout(300);
            try {
                String answer = new String(hog.in.readNBytes(400), StandardCharsets.ISO_8859_1);
                if (answer.isEmpty() || answer.contains("\"code\":" + code + ",")) {
                    n++;
                }
            } catch (java.net.SocketTimeoutException held) {
                // within the budget: held until the head timeout
            } catch (IOException reset) {
                n++;
            }
        }
        return n;
    }

    private static String call(String address, String path, String body) throws IOException {
        try (RawHttp c = RawHttp.connect(address)) {
            c.write("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body);
            return c.readAnswer();
        }
    }

    @Test
    void withTheDefaultsTheServerShedsTheHeadsPastItsBudgetAndKeepsServing() throws Exception {
        ExternalProcess p = server("64m");
        String address = address(p);

        List<RawHttp> kept = flood(address, CONNECTIONS, HEAD_BYTES);

        assertThat(p.isAlive()).isTrue();
        assertThat(call(address, "/", "{\"ok\":1}")).startsWith("HTTP/1.1 200 OK").endsWith("{\"ok\":1}");
        String stats = call(address, "/stats", "{}");
        long pending = Long.parseLong(stats.replaceAll("(?s).*\"pending\":(\\d+).*", "$1"));
        long heapMax = Long.parseLong(stats.replaceAll("(?s).*\"heapMax\":(\\d+).*", "$1"));
        assertThat(pending).isLessThanOrEqualTo(heapMax / 8);
        // a 64 MiB heap's budget holds about nine of these heads: most of the others were shed, told so by a 503
        int shed = CONNECTIONS - kept.size() + shed(kept, 503);
        assertThat(shed).as(stats).isGreaterThan(CONNECTIONS / 2);
        assertThat(call(address, "/", "{\"ok\":2}")).endsWith("{\"ok\":2}");
    }

    @Test
    void anOutOfMemoryErrorOnAnEventLoopEndsTheProcessWithCode3() throws Exception {
        ExternalProcess p = server("48m", HttpServerLimits.MAX_PENDING_BYTES + "=1g");
        String address = address(p);

        flood(address, CONNECTIONS, HEAD_BYTES);

        int code = p.awaitExit(Duration.ofSeconds(60));
        assertThat(code).as(p.logTail(20)).isEqualTo(HttpServerLimits.OOM_EXIT_CODE);
        assertThat(p.logTail(20)).contains("OutOfMemoryError on an event loop, exiting with code 3");
    }
}
