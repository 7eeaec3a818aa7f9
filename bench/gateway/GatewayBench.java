import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The gateway's own cost per call: Greeter.Hello called directly (Go Micro's RPC over HTTP/1.1: POST / with
 * Micro-Service and Micro-Endpoint, as `micro call --address` or curl would) and through the gateway
 * (POST /greeter/hello), with the same closed-loop JDK HttpClient, alternating short slices so that machine drift
 * falls on both. A third target, the dashboard's call resource, answers with Server-Timing: how long the gateway's
 * own RPC call took, which splits the gateway's time into HTTP in (Vert.x + Quarkus REST + worker hand-off) and the
 * call out (client, selector, transport).
 *
 *   java bench/gateway/GatewayBench.java GREETER_ADDRESS GATEWAY_URL [CONCURRENCY] [ROUNDS] [SLICE_SECONDS]
 *
 * Run by scripts/bench-gateway, which starts the greeter and the gateway on loopback and stops them.
 */
public final class GatewayBench {

    private static final byte[] BODY = "{\"name\":\"John\"}".getBytes(StandardCharsets.UTF_8);

    record Slice(long calls, long[] nanos, double callMillis) {
    }

    public static void main(String[] args) throws Exception {
        String greeter = args[0];
        String gateway = args[1];
        int conc = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        int slice = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest direct = HttpRequest.newBuilder(URI.create("http://" + greeter + "/"))
                .header("Content-Type", "application/json").header("Micro-Service", "greeter")
                .header("Micro-Endpoint", "Greeter.Hello").POST(HttpRequest.BodyPublishers.ofByteArray(BODY)).build();
        HttpRequest viaGateway = HttpRequest.newBuilder(URI.create(gateway + "/greeter/hello"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(BODY)).build();
        HttpRequest viaDashboard = HttpRequest.newBuilder(URI.create(gateway + "/_micro/call/greeter/Greeter.Hello"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(BODY)).build();
        String[] names = {"direct", "gateway", "gateway+timing"};
        HttpRequest[] targets = {direct, viaGateway, viaDashboard};
        for (HttpRequest r : targets) { // warm-up: JIT and connections on every side
            run(http, r, conc, 8);
        }
        List<List<Slice>> results = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int round = 0; round < rounds; round++) {
            for (int t = 0; t < targets.length; t++) {
                int i = (t + round) % targets.length; // alternate which goes first
                Slice s = run(http, targets[i], conc, slice);
                results.get(i).add(s);
                System.err.printf(Locale.ROOT, "round %d %-15s %,8d calls/s%n", round, names[i], s.calls / slice);
            }
        }
        System.out.printf(Locale.ROOT, "Greeter.Hello, %d callers in a closed loop, %d rounds of %d s per target, "
                + "alternating%n", conc, rounds, slice);
        System.out.printf(Locale.ROOT, "%-16s %12s %10s %10s %10s%n", "target", "calls/s", "p50 ms", "p99 ms",
                "mean ms");
        double[] mean = new double[3];
        for (int i = 0; i < 3; i++) {
            long calls = 0;
            List<Long> all = new ArrayList<>();
            for (Slice s : results.get(i)) {
                calls += s.calls;
                for (long n : s.nanos) {
                    all.add(n);
                }
            }
            long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
            mean[i] = Arrays.stream(sorted).average().orElse(0) / 1e6;
            System.out.printf(Locale.ROOT, "%-16s %,12d %10.3f %10.3f %10.3f%n", names[i],
                    calls / ((long) rounds * slice), sorted[sorted.length / 2] / 1e6,
                    sorted[(int) (sorted.length * 0.99)] / 1e6, mean[i]);
        }
        double callInside = results.get(2).stream().mapToDouble(Slice::callMillis).average().orElse(0);
        System.out.printf(Locale.ROOT, "gateway cost per call (mean latency, gateway - direct): %.3f ms at %d callers"
                + "%n", mean[1] - mean[0], conc);
        System.out.printf(Locale.ROOT, "of a call through the gateway (%.3f ms mean, dashboard resource), the RPC call "
                + "out took %.3f ms (Server-Timing), HTTP in + JAX-RS + hand-off %.3f ms%n", mean[2], callInside,
                mean[2] - callInside);
    }

    private static Slice run(HttpClient http, HttpRequest request, int conc, int seconds) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        long[][] lat = new long[conc][];
        int[] counts = new int[conc];
        double[] timing = new double[conc];
        CountDownLatch done = new CountDownLatch(conc);
        for (int c = 0; c < conc; c++) {
            int me = c;
            Thread t = new Thread(() -> {
                long[] mine = new long[1 << 16];
                int n = 0;
                double inside = 0;
                try {
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        long d = System.nanoTime() - t0;
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException(r.statusCode() + " " + new String(r.body()));
                        }
                        String st = r.headers().firstValue("Server-Timing").orElse(null);
                        if (st != null) {
                            inside += Double.parseDouble(st.substring(st.indexOf("dur=") + 4));
                        }
                        if (n == mine.length) {
                            mine = Arrays.copyOf(mine, n * 2);
                        }
                        mine[n++] = d;
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                } finally {
                    lat[me] = Arrays.copyOf(mine, n);
                    counts[me] = n;
                    timing[me] = inside;
                    done.countDown();
                }
            });
            t.setDaemon(true);
            t.start();
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        done.await();
        long total = 0;
        double inside = 0;
        List<long[]> parts = new ArrayList<>();
        for (int c = 0; c < conc; c++) {
            total += counts[c];
            inside += timing[c];
            parts.add(lat[c]);
        }
        long[] all = parts.stream().flatMapToLong(Arrays::stream).toArray();
        return new Slice(total, all, total == 0 ? 0 : inside / total);
    }
}
