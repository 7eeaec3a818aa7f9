package io.microcdi.selector.cache;

import io.microcdi.config.MicroConfig;
import io.microcdi.registry.Registry;
import io.microcdi.selector.Selector;
import io.microcdi.selector.SelectorProvider;

/**
 * The providers of the built-in selectors, one per strategy: {@code random} (the default), {@code roundrobin},
 * {@code leastrequests}, {@code p2c}. Each reads its {@link CachingSelectorConfig}
 * ({@code micro.selector.cache-ttl}, {@code micro.selector.ejection.*}).
 *
 * <pre>{@code
 * micro.selector=p2c
 * micro.selector.cache-ttl=30s
 * }</pre>
 */
public abstract class CachingSelectorProvider implements SelectorProvider {

    private final String name;
    private final Strategy strategy;

    CachingSelectorProvider(String name, Strategy strategy) {
        this.name = name;
        this.strategy = strategy;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Selector create(MicroConfig config, Registry registry) {
        CachingSelectorConfig c = CachingSelectorConfig.from(config);
        return new CachingSelector(name, strategy, new RegistryCache(registry, c.cacheTtl()), c.ejection());
    }

    /** {@code micro.selector=random}: any node, uniformly. */
    public static final class Random extends CachingSelectorProvider {
        public Random() {
            super("random", Strategy.RANDOM);
        }
    }

    /** {@code micro.selector=roundrobin}: a rotation shared by every call. */
    public static final class RoundRobin extends CachingSelectorProvider {
        public RoundRobin() {
            super("roundrobin", Strategy.ROUND_ROBIN);
        }
    }

    /** {@code micro.selector=leastrequests}: the node with the fewest calls in flight. */
    public static final class LeastRequests extends CachingSelectorProvider {
        public LeastRequests() {
            super("leastrequests", Strategy.LEAST_REQUESTS);
        }
    }

    /** {@code micro.selector=p2c}: the less busy of two random nodes. */
    public static final class PowerOfTwoChoices extends CachingSelectorProvider {
        public PowerOfTwoChoices() {
            super("p2c", Strategy.P2C);
        }
    }
}
