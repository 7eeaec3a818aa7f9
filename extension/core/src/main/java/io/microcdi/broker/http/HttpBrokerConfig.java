package io.microcdi.broker.http;

import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Heartbeat;
import io.microcdi.internal.config.Addresses;
import io.microcdi.broker.delivery.DeliveryConfig;
import io.microcdi.selector.cache.Ejection;
import io.microcdi.selector.cache.RegistryCache;

import java.time.Duration;
import java.util.Optional;

/**
 * The settings of {@link HttpBroker}, read once from its own keys ({@code micro.broker.http.*}), the delivery keys
 * every broker honours ({@code micro.broker.*}), {@code micro.register.*} and the selector's cache and ejection keys.
 *
 * <pre>{@code
 * HttpBrokerConfig cfg = HttpBrokerConfig.from(MicroConfig.of(Map.of("micro.broker.http.address", ":8081")));
 * }</pre>
 *
 * @param address          where the broker listens for deliveries, {@code host:port}; port 0 picks a free one
 * @param advertise        the address registered for the subscriptions instead of the bound one, if set
 * @param registerTtl      how long the registry keeps a subscription whose broker stops re-registering it
 * @param registerInterval how often each subscription is re-registered (a heartbeat), with up to 10% jitter
 * @param cacheTtl         how long the publisher's view of a topic's subscribers is kept between refreshes (the
 *                         registry's watch refreshes it on every change too)
 * @param ejection         when a member that keeps failing to be reached is passed over by the publisher
 * @param delivery         retries and timeouts of a publish, and the subscribers' workers
 */
public record HttpBrokerConfig(String address, Optional<String> advertise, Duration registerTtl,
                               Duration registerInterval, Duration cacheTtl, Ejection ejection,
                               DeliveryConfig delivery) {

    public static final String ADDRESS = "micro.broker.http.address";
    public static final String ADVERTISE = "micro.broker.http.advertise";
    public static final String DEFAULT_ADDRESS = "127.0.0.1:0";
    public static final Duration DEFAULT_REGISTER_TTL = Heartbeat.DEFAULT_TTL;
    public static final Duration DEFAULT_REGISTER_INTERVAL = Heartbeat.DEFAULT_INTERVAL;

    public HttpBrokerConfig {
        if (registerInterval.compareTo(registerTtl) >= 0 && !registerTtl.isZero()) {
            throw new IllegalArgumentException("registerInterval: " + registerInterval + " (expected: < registerTtl "
                    + registerTtl + ")");
        }
    }

    /** The defaults: {@code 127.0.0.1:0}, TTL 1 min, heartbeat 30 s, the selector's cache and ejection defaults. */
    public static HttpBrokerConfig defaults() {
        return new HttpBrokerConfig(DEFAULT_ADDRESS, Optional.empty(), DEFAULT_REGISTER_TTL, DEFAULT_REGISTER_INTERVAL,
                RegistryCache.DEFAULT_TTL, Ejection.DEFAULTS, DeliveryConfig.defaults());
    }

    /**
     * Reads {@code micro.broker.http.address}, {@code .advertise}, the {@link DeliveryConfig} keys,
     * {@code micro.register.ttl} and {@code .interval} (as the server does), {@code micro.selector.cache-ttl} and
     * {@code micro.selector.ejection.*}.
     */
    public static HttpBrokerConfig from(MicroConfig c) {
        Heartbeat.Timing timing = Heartbeat.Timing.from(c); // as the server reads them
        Duration ttl = timing.ttl();
        Duration interval = timing.interval();
        return new HttpBrokerConfig(
                Addresses.hostPort(c, ADDRESS, DEFAULT_ADDRESS),
                c.get(ADVERTISE).map(a -> Addresses.hostPort(c, ADVERTISE, a)),
                ttl,
                interval,
                c.duration(RegistryCache.TTL, RegistryCache.DEFAULT_TTL),
                Ejection.from(c),
                DeliveryConfig.from(c));
    }

    /** A copy with another {@link #delivery()}. */
    public HttpBrokerConfig withDelivery(DeliveryConfig d) {
        return new HttpBrokerConfig(address, advertise, registerTtl, registerInterval, cacheTtl, ejection, d);
    }

    /** A copy listening on {@code hostPort}. */
    public HttpBrokerConfig withAddress(String hostPort) {
        return new HttpBrokerConfig(hostPort, advertise, registerTtl, registerInterval, cacheTtl, ejection, delivery);
    }

    /** A copy registering with {@code ttl} and re-registering every {@code interval}. */
    public HttpBrokerConfig withRegistration(Duration ttl, Duration interval) {
        return new HttpBrokerConfig(address, advertise, ttl, interval, cacheTtl, ejection, delivery);
    }
}
