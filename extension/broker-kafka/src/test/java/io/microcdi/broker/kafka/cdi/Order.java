package io.microcdi.broker.kafka.cdi;

/** An order event: its customer (the message key) and its number in that customer's sequence. */
public record Order(String customer, int seq) {
}
