package io.microcdi.examples.pubsub;

import io.microcdi.Micro;
import jakarta.enterprise.inject.se.SeContainer;

/**
 * {@code java -jar pubsub.jar} runs a subscriber of topic {@code orders} in queue group {@code pubsub.group};
 * {@code java -jar pubsub.jar publish [count] [window]} publishes orders to every group.
 *
 * <pre>{@code
 * PUBSUB_GROUP=shipping java -jar examples/pubsub/target/pubsub.jar      # two of these share the orders
 * PUBSUB_GROUP=audit    java -jar examples/pubsub/target/pubsub.jar      # this one gets them all
 * java -jar examples/pubsub/target/pubsub.jar publish 10000
 * # published=10000 failed=0 elapsed_ms=2144 rate=4664/s
 * }</pre>
 */
public final class PubSubMain {

    private PubSubMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("publish")) {
            long count = args.length > 1 ? Long.parseLong(args[1]) : 100;
            int window = args.length > 2 ? Integer.parseInt(args[2]) : 64;
            System.exit(publish(count, window));
        }
        Micro.run();
    }

    private static int publish(long count, int window) throws InterruptedException {
        // this process only publishes: as in Go Micro, subscribers belong to the server, so it subscribes to nothing
        System.setProperty("micro.server.enabled", "false");
        try (SeContainer container = Micro.start()) {
            OrderPublisher publisher = container.select(OrderPublisher.class).get();
            long start = System.nanoTime();
            long failed = publisher.publish(count, window);
            long millis = Math.max(1, (System.nanoTime() - start) / 1_000_000);
            System.out.println("published=" + (count - failed) + " failed=" + failed + " elapsed_ms=" + millis
                    + " rate=" + (count * 1000 / millis) + "/s");
            return failed == 0 ? 0 : 3;
        }
    }
}
