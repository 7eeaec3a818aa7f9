package io.microcdi.bench.load;

import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.netty.channel.nio.NioEventLoopGroup;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The load run: every target driven by the same {@link Driver} in this one JVM, warmed up, then measured in short
 * slices that alternate between the targets, the order rotating every round (A B C D, B C D A, ...), so that a drift
 * of the machine (another build, a CPU frequency change) falls on all of them alike. At each concurrency (64, then 1)
 * it prints one line per target, {@code name-cN rps p50_ms p99_ms}, from all of that target's slices merged, and
 * the ratios MicroCDI/limit and MicroCDI/gRPC with their spread over the rounds.
 *
 * <p><b>Warm-up is adaptive</b>: client, servers and their JIT compilers share the machine's cores, so each target is
 * loaded at the first concurrency in 3 s phases (round-robin over the targets) until two consecutive phases agree
 * within 5% (at least {@code --warmup-min}, at most {@code --warmup-max} seconds), then once at each further
 * concurrency. Short phases also make the loops stop and start often, so the branches a slice end takes are compiled
 * before the measured slices begin.
 */
final class Load {

    private static final double WARMUP_PHASE = 3.0;
    private static final double WARMUP_TOLERANCE = 0.05;

    private Load() {
    }

    static void run(Map<String, String> opt) throws Exception {
        int[] concs = parseInts(opt.getOrDefault("conc", "64,1"));
        int rounds = Integer.parseInt(opt.getOrDefault("rounds", "6"));
        double slice = Double.parseDouble(opt.getOrDefault("slice", "3"));
        double latSlice = Double.parseDouble(opt.getOrDefault("lat-slice", "2"));
        double warmMin = Double.parseDouble(opt.getOrDefault("warmup-min", "15"));
        double warmMax = Double.parseDouble(opt.getOrDefault("warmup-max", "30"));
        int maxConc = 0;
        for (int c : concs) {
            maxConc = Math.max(maxConc, c);
        }

        NioEventLoopGroup httpGroup = new NioEventLoopGroup(1);
        List<Target> targets = new ArrayList<>();
        try {
            // --limit and --microcdi may be left out for the gRPC pair alone (scripts/bench GRPC_BENCH=only)
            String[] micro = opt.containsKey("microcdi") ? opt.get("microcdi").split(":") : null;
            if (opt.containsKey("limit")) {
                String[] limit = opt.get("limit").split(":");
                targets.add(new HttpTarget("limit", limit[0], Integer.parseInt(limit[1]), httpGroup));
            }
            // --microcdi-name limit2: the harness's A/A check (scripts/bench SELF=1 puts a second limit there)
            String microName = opt.getOrDefault("microcdi-name", "microcdi");
            if (micro != null) {
                targets.add(new HttpTarget(microName, micro[0], Integer.parseInt(micro[1]), httpGroup));
            }
            if (opt.containsKey("microcdi-vt")) {
                // a second greeter, on a JDK with virtual threads: its blocking handlers run on them
                String[] vt = opt.get("microcdi-vt").split(":");
                targets.add(new HttpTarget("microcdi-vt", vt[0], Integer.parseInt(vt[1]), httpGroup));
            }
            if (micro != null && opt.containsKey("nb-endpoint")) {
                // the same greeter, an endpoint that never blocks: served on the event loop, no thread hop
                targets.add(new HttpTarget("microcdi-nb", micro[0], Integer.parseInt(micro[1]), httpGroup,
                        opt.get("nb-endpoint")));
            }
            String[] grpc = LoadBench.required(opt, "grpc").split(":");
            targets.add(new GrpcGreeter.Client("grpc", grpc[0], Integer.parseInt(grpc[1])));
            if (opt.containsKey("grpc2")) {
                // a second plain grpc-java server: the A/A check of the gRPC pair
                String[] g2 = opt.get("grpc2").split(":");
                targets.add(new GrpcGreeter.Client("grpc2", g2[0], Integer.parseInt(g2[1])));
            }
            if (opt.containsKey("microcdi-grpc")) {
                // the same gRPC-java client on the same greeter path, against MicroCDI's gRPC server
                String[] mg = opt.get("microcdi-grpc").split(":");
                targets.add(new GrpcGreeter.Client("microcdi-grpc", mg[0], Integer.parseInt(mg[1])));
            }
            if (opt.containsKey("microclient") && micro != null) {
                MicroClientTarget mc = new MicroClientTarget("microclient", true);
                targets.add(mc);
                mc.open(maxConc);
                if (opt.containsKey("nb-endpoint")) {
                    targets.add(mc.nonBlocking("microclient-nb"));
                }
                if (opt.containsKey("microclient-h1")) {
                    MicroClientTarget h1 = new MicroClientTarget("microclient-h1", false);
                    targets.add(h1);
                    h1.open(maxConc);
                }
                List<Node> nodes = greeterNodes(mc);
                String ours = micro[0] + ":" + micro[1];
                boolean onlyOurs = nodes.size() == 1 && nodes.get(0).address().equals(ours);
                System.err.println("[microclient] greeter nodes seen over mDNS: " + addresses(nodes));
                if (!onlyOurs) {
                    System.out.println("# warning: the microclient sees greeter nodes " + addresses(nodes)
                            + ", not only the bench's " + ours + ": its calls are spread over them");
                }
            }
            for (Target t : targets) {
                t.open(maxConc);
                System.err.println("[check] " + t.name() + ": " + t.check());
            }

            warmUp(targets, concs, slice, latSlice, warmMin, warmMax);

            System.out.println("name rps p50_ms p99_ms");
            for (int ci = 0; ci < concs.length; ci++) {
                int c = concs[ci];
                double secs = ci == 0 ? slice : latSlice;
                Map<String, Agg> aggs = new LinkedHashMap<>();
                for (Target t : targets) {
                    aggs.put(t.name(), new Agg());
                }
                for (int r = 0; r < rounds; r++) {
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[round c%d #%d]", c, r + 1));
                    for (int k = 0; k < targets.size(); k++) {
                        Target t = targets.get((k + r) % targets.size());
                        Driver.Slice s = Driver.run(t, c, secs, Long.MAX_VALUE);
                        aggs.get(t.name()).add(s);
                        line.append(String.format(Locale.ROOT, " %s %.0f/s p99 %.3f", t.name(), s.rps(), s.p99Ms()));
                        if (s.errors() > 0) {
                            line.append(" errors=").append(s.errors()).append(" (").append(s.firstError()).append(')');
                        }
                    }
                    System.err.println(line);
                }
                for (Target t : targets) {
                    Agg a = aggs.get(t.name());
                    System.out.printf(Locale.ROOT, "%s-c%d %.0f %.3f %.3f%s%n", t.name(), c, a.rps(),
                            a.hist.getValueAtPercentile(50) / 1e6, a.hist.getValueAtPercentile(99) / 1e6,
                            a.errors > 0 ? "  # errors=" + a.errors : "");
                }
                ratio(microName, "limit", c, aggs);
                ratio(microName, "grpc", c, aggs);
                ratio("microcdi-nb", "limit", c, aggs);
                ratio("microcdi-vt", microName, c, aggs);
                ratio("microclient", "grpc", c, aggs);
                ratio("microclient-nb", "grpc", c, aggs);
                ratio("microclient-nb", "limit", c, aggs);
                ratio("microclient", "limit", c, aggs);
                ratio("microclient", "microclient-h1", c, aggs);
                ratio("microcdi-grpc", "grpc", c, aggs);
                ratio("grpc2", "grpc", c, aggs);
                System.out.flush();
            }
        } finally {
            for (Target t : targets) {
                try {
                    t.close();
                } catch (RuntimeException e) {
                    System.err.println("[close] " + t.name() + ": " + e);
                }
            }
            httpGroup.shutdownGracefully();
        }
    }

    private static void warmUp(List<Target> targets, int[] concs, double slice, double latSlice,
                               double warmMin, double warmMax) throws InterruptedException {
        long t0 = System.nanoTime();
        Map<Target, List<Double>> curve = new LinkedHashMap<>();
        for (Target t : targets) {
            curve.put(t, new ArrayList<>());
        }
        List<Target> warming = new ArrayList<>(targets);
        while (!warming.isEmpty()) {
            for (Target t : new ArrayList<>(warming)) {
                Driver.Slice s = Driver.run(t, concs[0], WARMUP_PHASE, Long.MAX_VALUE);
                List<Double> rates = curve.get(t);
                rates.add(s.rps());
                double done = rates.size() * WARMUP_PHASE;
                int n = rates.size();
                boolean stable = n >= 2
                        && Math.abs(rates.get(n - 1) - rates.get(n - 2)) <= WARMUP_TOLERANCE * Math.max(rates.get(n - 1), rates.get(n - 2));
                if ((done >= warmMin && stable) || done + WARMUP_PHASE > warmMax) {
                    warming.remove(t);
                    StringBuilder b = new StringBuilder();
                    for (double x : rates) {
                        b.append(String.format(Locale.ROOT, " %.0f", x));
                    }
                    System.err.printf(Locale.ROOT, "[warm-up] %s c%d: %.0f s%s, req/s per phase:%s%n", t.name(), concs[0],
                            done, stable ? "" : " (not stable, max reached)", b);
                }
                if (s.errors() > 0) {
                    System.err.println("[warm-up] " + t.name() + ": errors=" + s.errors() + " first: " + s.firstError());
                }
            }
        }
        for (int ci = 1; ci < concs.length; ci++) {
            for (Target t : targets) {
                Driver.Slice s = Driver.run(t, concs[ci], latSlice, Long.MAX_VALUE);
                System.err.printf(Locale.ROOT, "[warm-up] %s c%d: %.0f s, %.0f req/s%n", t.name(), concs[ci], latSlice, s.rps());
            }
        }
        System.err.printf(Locale.ROOT, "[warm-up] done in %.0f s%n", (System.nanoTime() - t0) / 1e9);
    }

    private static void ratio(String a, String b, int c, Map<String, Agg> aggs) {
        Agg x = aggs.get(a);
        Agg y = aggs.get(b);
        if (x == null || y == null) {
            return; // one of the pair is not in this run
        }
        List<Double> perRound = new ArrayList<>();
        for (int i = 0; i < Math.min(x.rates.size(), y.rates.size()); i++) {
            perRound.add(x.rates.get(i) / y.rates.get(i));
        }
        double min = perRound.stream().mapToDouble(d -> d).min().orElse(Double.NaN);
        double max = perRound.stream().mapToDouble(d -> d).max().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "ratio %s/%s c%d: rps %.3f (per round %.2f..%.2f, median %.3f)  p99 %.3f%n",
                a, b, c, x.rps() / y.rps(), min, max, Startup.median(perRound),
                x.hist.getValueAtPercentile(99) / (double) y.hist.getValueAtPercentile(99));
    }

    private static List<Node> greeterNodes(MicroClientTarget mc) {
        List<Node> nodes = new ArrayList<>();
        try {
            Registry registry = mc.registry();
            registry.getService("greeter").forEach(s -> nodes.addAll(s.nodes()));
        } catch (RuntimeException e) {
            System.err.println("[microclient] cannot list the registry: " + e);
        }
        return nodes;
    }

    private static List<String> addresses(List<Node> nodes) {
        List<String> a = new ArrayList<>();
        nodes.forEach(n -> a.add(n.address()));
        return a;
    }

    private static int[] parseInts(String csv) {
        String[] p = csv.split(",");
        int[] r = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            r[i] = Integer.parseInt(p[i].trim());
        }
        return r;
    }

    /** One target's slices at one concurrency, merged. */
    private static final class Agg {
        final Histogram hist = new Histogram(3);
        final List<Double> rates = new ArrayList<>();
        long calls;
        long errors;
        double seconds;

        void add(Driver.Slice s) {
            hist.add(s.histogram());
            rates.add(s.rps());
            calls += s.calls();
            errors += s.errors();
            seconds += s.seconds();
        }

        double rps() {
            return calls / seconds;
        }
    }

}
