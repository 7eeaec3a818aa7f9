package io.microcdi.cdi.health;

import io.microcdi.broker.Broker;
import io.microcdi.broker.BrokerMessage;
import io.microcdi.broker.SubscribeOptions;
import io.microcdi.broker.Subscription;
import io.microcdi.broker.delivery.DeliveryConfig;
import io.microcdi.broker.memory.MemoryBroker;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A memory broker that says it lost its connection while {@link #LOST} is set, as a NATS broker does while it
 * reconnects: a broker outage, on demand.
 */
@Alternative
@Priority(1)
@Dependent
public class FlakyBroker {

    static final AtomicBoolean LOST = new AtomicBoolean();

    @Produces
    @Singleton
    Broker broker() {
        MemoryBroker inner = new MemoryBroker(DeliveryConfig.defaults());
        inner.connect(); // as MicroCDI's producer hands out its broker: connected
        return new Broker() {
            @Override
            public String name() {
                return "flaky";
            }

            @Override
            public String address() {
                return inner.address();
            }

            @Override
            public void connect() {
                inner.connect();
            }

            @Override
            public void disconnect() {
                inner.disconnect();
            }

            @Override
            public boolean connected() {
                return inner.connected() && !LOST.get();
            }

            @Override
            public CompletableFuture<Void> publish(String topic, BrokerMessage message) {
                return inner.publish(topic, message);
            }

            @Override
            public Subscription subscribe(String topic, Handler handler, SubscribeOptions options) {
                return inner.subscribe(topic, handler, options);
            }
        };
    }

    void close(@Disposes Broker broker) {
        broker.disconnect();
    }
}
