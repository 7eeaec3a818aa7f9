package io.microcdi.bench.load;

import io.grpc.Server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.LogManager;

/**
 * {@code java -jar load-bench.jar <command>}: the pieces {@code scripts/bench} runs.
 *
 * <pre>{@code
 * limit   --port P [--host 127.0.0.1]                          the raw Netty + Jackson HTTP/1.1 limit server
 * grpc    --port P [--host 127.0.0.1] [--executor default|direct] [--transport nio|default]   the gRPC-java unary greeter
 * microcdi-grpc --port P [--host 127.0.0.1]                    the same greeter on MicroCDI's gRPC server
 * startup --greeter-jar J [--runs 3] [--idle 3] [--logs DIR]   start-to-registered time and idle RSS of the greeter
 *         [--cds] [--variants "label: JVM options or another greeter.jar; ..."]   and of other ways to start it, interleaved
 * load    [--limit H:P] [--microcdi H:P] --grpc H:P [--grpc2 H:P] [--microcdi-grpc H:P] [--microclient [--microclient-h1]] [--nb-endpoint Greeter.HelloNow] [--microcdi-vt H:P] [--microcdi-name microcdi] [--conc 64,1] [--rounds 6] [--slice 3]
 *         [--lat-slice 2] [--warmup-min 15] [--warmup-max 30]  the alternating closed-loop load, one line per target
 * chart   RESULTS.txt OUT.svg                                  the req/s bar chart from the result lines
 * }</pre>
 *
 * Servers print {@code listening on host:port} once ready and run until killed.
 */
public final class LoadBench {

    private LoadBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: load-bench.jar limit|grpc|microcdi-grpc|startup|load|chart ... (see LoadBench's Javadoc)");
            System.exit(2);
        }
        Map<String, String> opt = options(args);
        switch (args[0]) {
            case "limit" -> {
                LimitServer server = new LimitServer(opt.getOrDefault("host", "127.0.0.1"),
                        Integer.parseInt(opt.getOrDefault("port", "0")));
                System.out.println("limit listening on 127.0.0.1:" + server.port());
                Runtime.getRuntime().addShutdownHook(new Thread(server::close));
                new CountDownLatch(1).await();
            }
            case "grpc" -> {
                boolean direct = opt.getOrDefault("executor", "default").equals("direct");
                boolean nio = opt.getOrDefault("transport", "nio").equals("nio");
                Server server = GrpcGreeter.serve(opt.getOrDefault("host", "127.0.0.1"),
                        Integer.parseInt(opt.getOrDefault("port", "0")), direct, nio);
                System.out.println("grpc (" + (direct ? "direct" : "default") + " executor) listening on 127.0.0.1:"
                        + server.getPort());
                Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
                server.awaitTermination();
            }
            case "microcdi-grpc" -> {
                quietLogs();
                var server = MicroGrpcGreeter.serve(opt.getOrDefault("host", "127.0.0.1"),
                        Integer.parseInt(opt.getOrDefault("port", "0")));
                System.out.println("microcdi-grpc listening on " + server.address());
                Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
                new CountDownLatch(1).await();
            }
            case "startup" -> {
                quietLogs();
                Path logs = opt.containsKey("logs") ? Path.of(opt.get("logs")) : null;
                if (logs != null) {
                    Files.createDirectories(logs);
                }
                Startup.run(required(opt, "greeter-jar"), Integer.parseInt(opt.getOrDefault("runs", "3")),
                        Integer.parseInt(opt.getOrDefault("idle", "3")), logs, opt.get("variants"),
                        opt.containsKey("cds"));
                System.exit(0);
            }
            case "load" -> {
                quietLogs();
                Load.run(opt);
                System.exit(0);
            }
            case "chart" -> Chart.write(Path.of(args[1]), Path.of(args[2]));
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
    }

    /** Weld, jmdns and MicroCDI log at INFO on JUL; only warnings belong in the bench output. */
    private static void quietLogs() {
        LogManager.getLogManager().getLogger("").setLevel(Level.WARNING);
    }

    static String required(Map<String, String> opt, String key) {
        String v = opt.get(key);
        if (v == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return v;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                String k = args[i].substring(2);
                if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    m.put(k, args[++i]);
                } else {
                    m.put(k, "true");
                }
            }
        }
        return m;
    }
}
