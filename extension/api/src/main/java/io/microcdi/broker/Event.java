package io.microcdi.broker;

/**
 * One delivered message.
 *
 * <pre>{@code
 * event -> { process(event.message().body()); event.ack(); }
 * }</pre>
 */
public interface Event {

    /** The topic the message was published to. */
    String topic();

    /** The message. */
    BrokerMessage message();

    /** Acknowledges the message when auto-ack is off. */
    void ack();
}
