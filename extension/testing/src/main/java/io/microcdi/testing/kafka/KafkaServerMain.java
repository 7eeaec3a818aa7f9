package io.microcdi.testing.kafka;

import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The main class of the JVM that {@link KafkaServer} forks: formats the log directory when it is new (Kafka's
 * {@code StorageTool}, in this JVM rather than one more), starts the broker ({@code kafka.Kafka}), prints
 * {@value #READY} once an admin client on its listener sees the cluster, and ends itself, deleting its directory,
 * when the JVM that started it is gone (a test JVM killed by its build leaves no Kafka behind).
 *
 * <pre>{@code
 * java -cp <kafka jars>:<this jar> io.microcdi.testing.kafka.KafkaServerMain <parent pid> <cluster id> \
 *      <server.properties> <127.0.0.1:port> <directory to delete when orphaned>
 * }</pre>
 */
public final class KafkaServerMain {

    /** The line printed once the broker serves clients. */
    public static final String READY = "MICROCDI-KAFKA-READY";

    private KafkaServerMain() {
    }

    public static void main(String[] args) throws Exception {
        long parent = Long.parseLong(args[0]);
        String clusterId = args[1];
        Path properties = Path.of(args[2]);
        String bootstrap = args[3];
        Path directory = Path.of(args[4]);
        ProcessHandle.of(parent).ifPresentOrElse(
                p -> p.onExit().thenRun(() -> orphaned(directory)),
                () -> orphaned(directory));
        Path data = directory.resolve("data");
        if (!Files.exists(data.resolve("meta.properties"))) {
            int exit = StorageTool.execute(new String[]{"format", "-t", clusterId, "-c", properties.toString(),
                "--standalone"}, System.out);
            if (exit != 0) {
                System.out.println("format failed with " + exit);
                System.exit(exit);
            }
        }
        Thread ready = new Thread(() -> announceWhenReady(bootstrap), "microcdi-kafka-ready");
        ready.setDaemon(true);
        ready.start();
        kafka.Kafka.main(new String[]{properties.toString()});
    }

    private static void announceWhenReady(String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000))) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        System.out.println(READY + " " + bootstrap);
                        System.out.flush();
                        return;
                    }
                } catch (Exception notYet) {
                    Thread.sleep(50);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The test JVM is gone: nobody will stop this broker or delete its directory. */
    private static void orphaned(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            // halted all the same
        }
        Runtime.getRuntime().halt(3);
    }
}
