package io.microcdi.telemetry.otel;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;

/**
 * The span name and attributes of publishing to a topic, or of delivering it to one subscriber, made once.
 *
 * <pre>{@code
 * MessagingNames.publish("nats", "orders").name();                              // "publish orders"
 * MessagingNames.deliver("kafka", "orders", "billing", "Billing.onOrder").name();   // "process orders"
 * }</pre>
 *
 * <p>{@code messaging.system} is the broker plugin's name, which is OpenTelemetry's name for the system where it has
 * one ({@code kafka}) and a name of our own where it has none ({@code nats}); the {@code http} broker is Go Micro's
 * own pub/sub (publishers post to each subscriber, no broker server), so it is {@code go_micro}, not the name of a
 * transport. The operation is Kafka's {@code send} for Kafka and Go Micro's {@code publish} for the others.
 *
 * @param queue the subscriber's queue group, {@code ""} for broadcast and for a publish
 */
record MessagingNames(String name, Attributes attributes, String queue) {

    /** {@code messaging.system} of the {@code http} broker. */
    static final String GO_MICRO = "go_micro";

    static MessagingNames publish(String broker, String topic) {
        String operation = "kafka".equals(broker) ? "send" : "publish";
        Attributes a = Attributes.builder()
                .put(Conventions.MESSAGING_SYSTEM, system(broker))
                .put(Conventions.MESSAGING_DESTINATION_NAME, topic)
                .put(Conventions.MESSAGING_OPERATION_TYPE, "send")
                .put(Conventions.MESSAGING_OPERATION_NAME, operation)
                .build();
        return new MessagingNames(operation + " " + topic, a, "");
    }

    static MessagingNames deliver(String broker, String topic, String queue, String subscriber) {
        AttributesBuilder a = Attributes.builder()
                .put(Conventions.MESSAGING_SYSTEM, system(broker))
                .put(Conventions.MESSAGING_DESTINATION_NAME, topic)
                .put(Conventions.MESSAGING_OPERATION_TYPE, "process")
                .put(Conventions.MESSAGING_OPERATION_NAME, "process")
                .put(Conventions.CODE_FUNCTION_NAME, subscriber);
        if (!queue.isEmpty()) {
            a.put(Conventions.MESSAGING_CONSUMER_GROUP_NAME, queue);
        }
        return new MessagingNames("process " + topic, a.build(), queue);
    }

    /** {@code messaging.system} of a broker plugin. */
    static String system(String broker) {
        return "http".equals(broker) ? GO_MICRO : broker;
    }
}
