package io.microcdi.examples.pubsub;

import io.microcdi.Micro;
import jakarta.enterprise.inject.se.SeContainer;

import java.time.Duration;

/**
 * {@code java -jar pubsub.jar} runs a subscriber of topic {@code orders} in queue group {@code pubsub.group};
 * {@code java -jar pubsub.jar publish <count> [--window N] [--from ID] [--await-subscribers N] [--keys N]} publishes
 * orders to every group.
 *
 * <pre>{@code
 * PUBSUB_GROUP=shipping java -jar examples/pubsub/target/pubsub.jar      # two of these share the orders
 * PUBSUB_GROUP=audit    java -jar examples/pubsub/target/pubsub.jar      # this one gets them all
 * java -jar examples/pubsub/target/pubsub.jar publish 10000 --await-subscribers 3
 * # published=10000 failed=0 elapsed_ms=2144 rate=4664/s
 * }</pre>
 *
 * <p>{@code --window} publishes at most N at a time (default 64); {@code --from} numbers the orders from ID
 * (default 1); {@code --await-subscribers} first waits, up to 30 s, until the registry lists N subscriptions of the
 * topic (a publisher only delivers to the groups it can see); {@code --keys} gives order {@code id} the key
 * {@code k<id % N>} ({@code Micro-Key}: on Kafka, the orders of one key keep their order).
 */
public final class PubSubMain {

    private PubSubMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("publish")) {
            System.exit(publish(args));
        }
        Micro.run();
    }

    private static int publish(String[] args) throws InterruptedException {
        long count = 100;
        int window = 64;
        long from = 1;
        int await = 0;
        int keys = 0;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--window" -> window = Integer.parseInt(args[++i]);
                case "--from" -> from = Long.parseLong(args[++i]);
                case "--await-subscribers" -> await = Integer.parseInt(args[++i]);
                case "--keys" -> keys = Integer.parseInt(args[++i]);
                default -> count = Long.parseLong(args[i]);
            }
        }
        // this process only publishes: as in Go Micro, subscribers belong to the server, so it subscribes to nothing
        System.setProperty("micro.server.enabled", "false");
        try (SeContainer container = Micro.start()) {
            OrderPublisher publisher = container.select(OrderPublisher.class).get();
            if (await > 0 && !publisher.awaitSubscribers(await, Duration.ofSeconds(30))) {
                System.err.println("fewer than " + await + " subscribers of " + publisher.topic() + " after 30 s");
                return 2;
            }
            long start = System.nanoTime();
            long failed = publisher.publish(from, count, window, keys);
            long millis = Math.max(1, (System.nanoTime() - start) / 1_000_000);
            System.out.println("published=" + (count - failed) + " failed=" + failed + " elapsed_ms=" + millis
                    + " rate=" + (count * 1000 / millis) + "/s");
            return failed == 0 ? 0 : 3;
        }
    }
}
