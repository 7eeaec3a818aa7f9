package io.microcdi.broker.kafka.cdi;

import jakarta.enterprise.context.ApplicationScoped;

/** One of two members of the queue group in the container; {@link ShippingB} is the other. */
@ApplicationScoped
public class ShippingA extends ShippingMember {
}
