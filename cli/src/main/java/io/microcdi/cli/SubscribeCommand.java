package io.microcdi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.microcdi.broker.Broker;
import io.microcdi.broker.Event;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.broker.Subscription;
import io.microcdi.config.ConfigException;
import io.microcdi.errors.MicroException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code micro subscribe TOPIC}: prints each message of a topic as it arrives, until Ctrl-C, {@code --count}
 * messages or {@code --for} a while. With {@code --queue} it joins a queue group: each message goes to one member.
 *
 * <pre>{@code
 * $ micro subscribe orders --count 1
 * {"id":42,"item":"book"}
 * $ micro subscribe orders --json
 * {"topic":"orders","header":{"Content-Type":"application/json",...},"body":{"id":42,"item":"book"}}
 * }</pre>
 */
@Command(name = "subscribe", description = {"Prints the messages of TOPIC as they arrive (the body; with --output "
        + "json the topic, headers and body), until Ctrl-C, --count messages or --for a while.",
        "A line on standard error says when the subscription is live."})
final class SubscribeCommand extends Subcommand {

    /** One message, for {@code --output json}. */
    record Received(String topic, Map<String, String> header, JsonNode body) {
    }

    @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic.")
    String topic;

    @Option(names = {"-q", "--queue"}, paramLabel = "QUEUE",
            description = "Join this queue group: each message goes to one of its members (default: every "
                    + "message to this subscriber).")
    String queue;

    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "Stop after N messages.")
    Integer count;

    @Option(names = "--for", paramLabel = "DURATION",
            description = "Stop after this long; with --count, fail (exit 1) if fewer came.")
    Duration limit;

    private final Object printLock = new Object();
    private int received;

    @Override
    public Integer call() throws InterruptedException {
        if (count != null && count < 1) {
            throw new ConfigException("--count=" + count + " (expected: >= 1)");
        }
        CountDownLatch enough = new CountDownLatch(1);
        Broker broker = session().broker();
        SubscribeOptions options = queue == null ? SubscribeOptions.broadcast() : SubscribeOptions.queue(queue);
        Subscription subscription = broker.subscribe(topic, event -> print(event, enough), options);
        err().println("subscribed to " + topic + (queue == null ? "" : " in queue " + queue) + " on "
                + broker.name() + " broker; Ctrl-C to stop");
        err().flush();
        boolean done = await(enough);
        if (!session().isClosed()) {
            subscription.unsubscribe(); // after Ctrl-C, closing the broker withdrew it
        }
        if (count != null && !done && !session().isClosed()) {
            int got;
            synchronized (printLock) {
                got = received;
            }
            throw new CliException(got + " of " + count + " message(s) in " + Output.duration(limit));
        }
        return 0;
    }

    /**
     * Until {@code --count} messages ({@code true}), {@code --for} passed, or Ctrl-C closed the session (the JVM then
     * ends after its shutdown hook).
     */
    private boolean await(CountDownLatch enough) throws InterruptedException {
        long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
        while (!session().isClosed()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            if (enough.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS)) {
                return true;
            }
        }
        return false;
    }

    private void print(Event event, CountDownLatch enough) {
        synchronized (printLock) {
            if (count != null && received >= count) {
                // not taken: a queue group's broker hands it to another member
                throw new MicroException("microcdi.cli.subscribe", 503, "subscriber is stopping", "Service Unavailable");
            }
            received++;
            PrintWriter out = out();
            String contentType = event.message().header().get("Content-Type");
            if (json()) {
                Output.json(out, new Received(event.topic(), event.message().header().asMap(),
                        Output.jsonOrText(event.message().body(), contentType)));
            } else {
                Output.body(out, event.message().body(), contentType);
            }
            if (count != null && received >= count) {
                enough.countDown();
            }
        }
    }
}
