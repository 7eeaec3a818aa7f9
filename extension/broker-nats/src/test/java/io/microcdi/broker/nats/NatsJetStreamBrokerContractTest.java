package io.microcdi.broker.nats;

import io.microcdi.broker.Broker;
import io.microcdi.testing.broker.BrokerContract;
import io.microcdi.testing.nats.NatsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The broker contract in JetStream mode (at least once), against a real three-node JetStream cluster on loopback
 * with three replicas per stream.
 */
class NatsJetStreamBrokerContractTest extends BrokerContract {

    static NatsServer nats;

    @BeforeAll
    static void startNats() {
        NatsServer.assumeInstalled();
        nats = NatsServer.cluster(3);
    }

    @AfterAll
    static void stopNats() {
        if (nats != null) {
            nats.close();
        }
    }

    @Override
    protected Broker newBroker() {
        return new NatsBroker(NatsBrokerConfig.jetStream(nats.urlList(), 3));
    }

    /**
     * Every message is stored on three nodes (each write a raft commit) and a failed one comes back after a back-off to
     * whichever member pulls next, possibly the failing one again: more than the default 10 s on a busy machine.
     */
    @Override
    protected java.time.Duration deliveryTimeout() {
        return java.time.Duration.ofSeconds(30);
    }

    @Override
    protected SubscriberFailure subscriberFailure() {
        return SubscriberFailure.REDELIVERED;
    }
}
