package io.microcdi.cli;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.metadata.Metadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * {@code micro publish TOPIC BODY}: one message, with the headers a {@code @Topic} publisher sets
 * ({@code Content-Type}, {@code Micro-Topic}, a new {@code Micro-Id}); returns once the broker accepted it (the http
 * broker: once every subscriber group took it).
 *
 * <pre>{@code
 * $ micro publish orders '{"id":42,"item":"book"}'
 * published to orders (id 0b5e7a4c-1f0e-4c55-9d43-5a4b5e1c2d3f)
 * }</pre>
 */
@Command(name = "publish", description = {"Publishes one message to TOPIC through micro.broker and waits until the "
        + "broker accepted it (the http broker: every subscriber group; a topic without subscribers drops it)."})
final class PublishCommand extends Subcommand {

    /** What was published, for {@code --output json}. */
    record Published(String topic, String id) {
    }

    @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic.")
    String topic;

    @Parameters(index = "1", paramLabel = "BODY",
            description = "The message: JSON text, @FILE for a file's bytes, - for standard input.")
    String body;

    @Option(names = "--content-type", paramLabel = "TYPE", defaultValue = "application/json",
            description = "The body's content type (default: ${DEFAULT-VALUE}).")
    String contentType;

    @Option(names = {"-m", "--metadata"}, paramLabel = "KEY=VALUE",
            description = "A header sent with the message (repeatable).")
    Map<String, String> metadata = new LinkedHashMap<>();

    @Override
    public Integer call() {
        byte[] bytes = Bodies.read(body, micro().in());
        String id = UUID.randomUUID().toString();
        Metadata header = Metadata.from(metadata).toBuilder(3)
                .put("Content-Type", contentType).put("Micro-Topic", topic).put("Micro-Id", id).build();
        Broker broker = session().broker();
        broker.publish(topic, new BrokerMessage(header, bytes)).join();
        if (json()) {
            Output.json(out(), new Published(topic, id));
        } else {
            out().println("published to " + topic + " (id " + id + ")");
            out().flush();
        }
        return 0;
    }
}
