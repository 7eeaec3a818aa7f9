import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import io.microcdi.registry.Service;
import io.microcdi.registry.mdns.MdnsRegistry;
import io.microcdi.registry.mdns.MdnsRegistryConfig;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start time and memory of a greeter process (the Quarkus one or the Weld SE one), for quarkus.md: a single-file
 * program, run from the repository's root after {@code ./mvnw install -DskipTests}:
 *
 * <pre>{@code
 * CP='examples/greeter/target/lib/*:examples/greeter/target/greeter.jar'
 * java -cp "$CP" bench/quarkus/StartAndMemory.java quarkus 3 10 examples/quarkus-greeter/target/quarkus-app/quarkus-run.jar
 * java -cp "$CP" bench/quarkus/StartAndMemory.java weld 3 10 examples/greeter/target/greeter.jar
 * java -cp "$CP" bench/quarkus/StartAndMemory.java weld-small 1 10 examples/greeter/target/greeter.jar -Xmx64m -XX:+UseSerialGC
 * }</pre>
 *
 * <p>Arguments: a label, how many starts, the seconds of load after the last start (0: none), the jar, then JVM options.
 * Each start is timed from the process's start to its "serving [...greeter...] on" log line, to its first answer on
 * Go Micro's wire, and to its node listed in this JVM's mDNS registry (on loopback). After the last start: 5 s idle,
 * then RSS, threads (the event loop threads by name) and the live heap after a full GC ({@code jcmd}); then the load
 * tool ({@code greeter.jar load}, 32 callers, 3 s warm-up) for the given seconds, and the same figures again. Each
 * process carries node metadata {@code m.run=<label-n-nanos>} and the load tool selects by it, so another greeter on
 * the loopback is never measured.
 */
public class StartAndMemory {

    private static final Pattern SERVING =
            Pattern.compile("serving \\[(?:[^\\]]*, )?greeter(?:, [^\\]]*)?\\] on (\\S+)");
    private static final Pattern HEAP = Pattern.compile("total (\\d+)K, used (\\d+)K");

    public static void main(String[] args) throws Exception {
        String label = args[0];
        int runs = Integer.parseInt(args[1]);
        int loadSeconds = Integer.parseInt(args[2]);
        String jar = args[3];
        List<String> jvm = List.of(args).subList(4, args.length);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (Registry registry = new MdnsRegistry(MdnsRegistryConfig.defaults())) {
            registry.getService("warm-up");
            for (int run = 1; run <= runs; run++) {
                String id = label + "-" + run + "-" + System.nanoTime();
                List<String> command = new ArrayList<>(List.of("java"));
                command.addAll(jvm);
                command.addAll(List.of("-Dmicro.server.metadata=m.run=" + id, "-Dquarkus.http.host=127.0.0.1",
                        "-Dquarkus.http.port=" + freePort(), "-Dquarkus.log.console.stderr=true", "-jar", jar));
                Path log = Files.createTempFile("start-and-memory-" + label, ".log");
                long t0 = System.nanoTime();
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                        .redirectInput(new File("/dev/null")).start();
                try {
                    String address = null;
                    long serving = 0;
                    long answered = 0;
                    long listed = 0;
                    while (serving == 0 || answered == 0 || listed == 0) {
                        if (!p.isAlive()) {
                            throw new IllegalStateException(label + " exited:\n" + Files.readString(log));
                        }
                        if (address == null) {
                            Matcher m = SERVING.matcher(Files.readString(log));
                            if (m.find()) {
                                address = m.group(1);
                                serving = millisSince(t0);
                            }
                        }
                        if (address != null && answered == 0 && answers(http, address)) {
                            answered = millisSince(t0);
                        }
                        if (listed == 0 && listed(registry, id)) {
                            listed = millisSince(t0);
                        }
                        if (millisSince(t0) > 120_000) {
                            throw new IllegalStateException(label + " not up after 120 s:\n" + Files.readString(log));
                        }
                        Thread.sleep(5);
                    }
                    System.out.printf("%s run %d: serving %d ms, answered %d ms, listed %d ms%n", label, run, serving,
                            answered, listed);
                    if (run == runs && loadSeconds > 0) {
                        Thread.sleep(5000);
                        System.out.printf("%s idle:  %s%n", label, figures(p.pid()));
                        System.out.printf("%s load:  %s%n", label, load(id, loadSeconds));
                        System.out.printf("%s after: %s%n", label, figures(p.pid()));
                    }
                } finally {
                    p.destroy();
                    p.waitFor();
                }
            }
        }
    }

    private static boolean answers(HttpClient http, String address) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/"))
                            .header("Content-Type", "application/json").header("Micro-Service", "greeter")
                            .header("Micro-Endpoint", "Greeter.Hello")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"John\"}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body().contains("Hello John");
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    private static boolean listed(Registry registry, String id) {
        for (Service s : registry.getService("greeter")) {
            for (Node n : s.nodes()) {
                if (id.equals(n.metadata().get("m.run"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The load tool's summary line: {@code calls=N failures=N rps=N p50_ms=.. p99_ms=..}. */
    private static String load(String id, int seconds) throws IOException, InterruptedException {
        String greeterJar = System.getProperty("greeter.jar", "examples/greeter/target/greeter.jar");
        Process load = new ProcessBuilder("java", "-Dmicro.client.greeter.labels=m.run=" + id, "-jar", greeterJar,
                "load", "--service", "greeter", "--endpoint", "Greeter.Hello", "--body", "{\"name\":\"John\"}",
                "--concurrency", "32", "--warmup", "3s", "--duration", seconds + "s")
                .redirectError(new File("/dev/null")).start();
        String out = new String(load.getInputStream().readAllBytes()).strip();
        load.waitFor();
        return out.substring(out.lastIndexOf('\n') + 1);
    }

    /** RSS, threads (event loop threads by name) and the heap in use after a full GC. */
    private static String figures(long pid) throws IOException, InterruptedException {
        Map<String, String> status = new TreeMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            String[] kv = line.split(":\\s+", 2);
            if (kv[0].equals("VmRSS") || kv[0].equals("Threads")) {
                status.put(kv[0], kv[1].trim());
            }
        }
        Map<String, Integer> loops = new TreeMap<>();
        for (File task : new File("/proc/" + pid + "/task").listFiles()) {
            String name = Files.readString(task.toPath().resolve("comm")).strip(); // 15 characters at most
            if (name.startsWith("microcdi-io") || name.startsWith("vert.x-eventlo")) {
                loops.merge(name.replaceAll("-\\d+$", ""), 1, Integer::sum);
            }
        }
        jcmd(pid, "GC.run");
        Matcher m = HEAP.matcher(jcmd(pid, "GC.heap_info"));
        long total = 0;
        long used = 0;
        while (m.find()) { // G1: one line; Serial: the young and the old generation
            total += Long.parseLong(m.group(1));
            used += Long.parseLong(m.group(2));
        }
        return "RSS " + status.get("VmRSS") + ", threads " + status.get("Threads") + " (event loops " + loops
                + "), heap " + used / 1024 + " MB used of " + total / 1024 + " MB after a full GC";
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
