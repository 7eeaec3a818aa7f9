package io.microcdi.bench.jmh;

import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.registry.memory.MemoryRegistry;
import io.microcdi.selector.Next;
import io.microcdi.selector.cache.CachingSelector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The node pick of every client call: {@link CachingSelector#select} over its registry cache (a snapshot lookup), the
 * first {@link Next#next()} and the {@link Next#mark} of the outcome, for each built-in strategy, over a service of 1,
 * 10 and 1,000 nodes. {@code selectNextRetry} adds the failed first attempt and the second {@code next()} a retry
 * makes. The cost should stay flat as the node count grows (no copy, no sort), except {@code leastrequests}, which
 * scans the nodes.
 *
 * <pre>{@code
 * java -jar bench/jmh/target/benchmarks.jar SelectorBench -prof gc
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Threads(1)
public class SelectorBench {

    /** Nodes of the one service version in the registry. */
    @Param({"1", "10", "1000"})
    public int nodes;

    /** The selector ({@code micro.selector}). */
    @Param({"random", "roundrobin", "leastrequests", "p2c"})
    public String strategy;

    private static final Exception REFUSED = new java.net.ConnectException("refused (benchmark)");

    private MemoryRegistry registry;
    private CachingSelector selector;

    @Setup(Level.Trial)
    public void setUp() {
        registry = new MemoryRegistry();
        List<Node> list = new ArrayList<>(nodes);
        for (int i = 0; i < nodes; i++) {
            list.add(new Node("greeter-" + i, "10.0." + (i / 250) + "." + (i % 250) + ":8080",
                    Map.of("protocol", "mucp", "transport", "http", "registry", "memory", "server", "rpc",
                            "broker", "none")));
        }
        // a TTL of zero never expires: the snapshot stays the same for the whole run
        registry.register(new Service("greeter", "1.0.0", Map.of(), List.of(), list), Duration.ZERO);
        // ejection off: the retry benchmark fails every first attempt on purpose
        selector = CachingSelector.of(strategy, registry, Duration.ofMinutes(10),
                new io.microcdi.selector.cache.Ejection(0, Duration.ofSeconds(1), Duration.ofSeconds(1)));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        selector.close();
        registry.close();
    }

    /** One call's pick: select, then the first node. */
    @Benchmark
    public Node selectNext() {
        Next next = selector.select("greeter");
        Node node = next.next();
        next.mark(node, null);
        return node;
    }

    /** A call that retries once: select, first node, then the next one. */
    @Benchmark
    public Node selectNextRetry() {
        Next next = selector.select("greeter");
        Node first = next.next();
        next.mark(first, REFUSED);
        Node second = next.next();
        next.mark(second, null);
        return second;
    }
}
