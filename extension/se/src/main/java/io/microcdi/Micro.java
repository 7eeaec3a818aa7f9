package io.microcdi;

import io.microcdi.cdi.MicroLifecycle;
import io.microcdi.server.Server;
import jakarta.enterprise.inject.se.SeContainer;
import org.jboss.weld.environment.se.Weld;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The standalone launcher: boots Weld SE, which discovers the {@code @Service} beans and serves them.
 *
 * <pre>{@code
 * public static void main(String[] args) { Micro.run(); }          // blocks until SIGTERM/SIGINT
 * try (SeContainer c = Micro.start()) { ... }                       // or drive it yourself
 * }</pre>
 *
 * <p>On SIGTERM or SIGINT the node deregisters first, stops accepting, lets in-flight calls finish, then closes.
 */
public final class Micro {

    private static final System.Logger LOG = System.getLogger(Micro.class.getName());

    private Micro() {
    }

    /** Boots the container and serves until the JVM is asked to stop. */
    public static void main(String[] args) {
        run();
    }

    /** Boots the container and blocks until SIGTERM or SIGINT, then shuts down in order. */
    public static void run() {
        long t0 = System.nanoTime();
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicReference<SeContainer> running = new AtomicReference<>();
        // installed before the container starts: a SIGTERM during start-up must still deregister what registered
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (running) {
                SeContainer c = running.getAndSet(null);
                if (c != null && c.isRunning()) {
                    c.close();
                }
            }
            stopped.countDown();
        }, "microcdi-shutdown"));
        SeContainer container;
        try {
            synchronized (running) {
                container = start();
                running.set(container);
            }
        } catch (RuntimeException e) {
            System.err.println("microcdi: start failed: " + rootMessage(e));
            System.exit(1);
            return;
        }
        Server server = container.select(MicroLifecycle.class).get().server();
        if (server != null) {
            LOG.log(System.Logger.Level.INFO, "started in {0} ms, listening on {1}",
                    (System.nanoTime() - t0) / 1_000_000, server.address());
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Boots Weld SE with bean discovery; the caller closes the container. */
    public static SeContainer start() {
        Weld weld = new Weld()
                // our own hook orders the shutdown; Weld's would race it
                .property(Weld.SHUTDOWN_HOOK_SYSTEM_PROPERTY, false);
        return weld.initialize();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (caused by " + t + ")";
    }
}
