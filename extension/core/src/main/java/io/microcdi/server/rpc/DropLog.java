package io.microcdi.server.rpc;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs dropped expired calls: the first at once, then at most one line a second with how many more were dropped,
 * so that an overloaded server does not also drown its log.
 *
 * <pre>{@code
 * drops.dropped("Greeter.Hello", received, "before it started");
 * }</pre>
 */
final class DropLog {

    private static final System.Logger LOG = System.getLogger(RpcServer.class.getName());

    private final AtomicLong next = new AtomicLong(System.nanoTime() - 1);
    private final AtomicLong unlogged = new AtomicLong();

    void dropped(String endpoint, long received, String when) {
        long now = System.nanoTime();
        long due = next.get();
        if (now - due < 0 || !next.compareAndSet(due, now + 1_000_000_000L)) {
            unlogged.incrementAndGet();
            return;
        }
        long more = unlogged.getAndSet(0);
        LOG.log(Level.WARNING, "dropped expired call to {0}: its deadline passed {1} ({2} ms after it arrived){3}",
                endpoint, when, String.valueOf((now - received) / 1_000_000),
                more == 0 ? "" : "; " + more + " more dropped since the last report");
    }
}
