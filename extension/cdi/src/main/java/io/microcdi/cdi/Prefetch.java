package io.microcdi.cdi;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes some shared beans on threads of their own while the start goes on, so that their set-up overlaps the rest of
 * it: {@code Prefetch.start(beans, Registry.class, Codecs.class)}, then {@link #await()} before the start returns.
 *
 * <pre>{@code
 * Prefetch p = Prefetch.start(beans, Registry.class);   // mDNS binds and browses meanwhile
 * try { server.start(); } finally { p.await(); }        // the server's registry is that same instance
 * }</pre>
 *
 * <p>Only a bean the container keeps once (singleton or application scoped) is made ahead: a dependent one would be a
 * second instance that nobody closes. The container hands the same instance to whoever asks, waiting for the thread
 * that is making it. A bean that fails to be made is not kept: whoever asks for it next makes it again and gets the
 * error (a bad {@code micro.*} value), so the thread here only drops it.
 */
final class Prefetch {

    /** Nothing made ahead. */
    static final Prefetch NONE = new Prefetch(List.of());

    private static final System.Logger LOG = System.getLogger(Prefetch.class.getName());

    private final List<Thread> threads;

    private Prefetch(List<Thread> threads) {
        this.threads = threads;
    }

    /** Starts making each of {@code types} that resolves to a shared bean, one daemon thread each. */
    static Prefetch start(Instance<Object> beans, Class<?>... types) {
        List<Thread> threads = new ArrayList<>(types.length);
        for (Class<?> type : types) {
            Instance<?> bean = beans.select(type);
            if (!bean.isResolvable() || !shared(bean.getHandle().getBean().getScope())) {
                continue;
            }
            Thread t = new Thread(() -> {
                try {
                    bean.get().toString(); // a client proxy makes the instance on its first call
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "making " + type.getSimpleName() + " ahead failed; "
                            + "the start makes it again and reports it: " + e);
                }
            }, "microcdi-start-" + type.getSimpleName());
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        return new Prefetch(List.copyOf(threads));
    }

    private static boolean shared(Class<? extends Annotation> scope) {
        return scope == Singleton.class || scope == ApplicationScoped.class;
    }

    /** Waits until every bean started ahead is made (or failed). */
    void await() {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** How many beans are being made ahead. */
    int size() {
        return threads.size();
    }
}
