package io.microcdi;

import io.microcdi.cdi.MicroLifecycle;
import io.microcdi.server.Server;
import jakarta.enterprise.inject.se.SeContainer;
import org.jboss.weld.environment.se.Weld;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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

    /** How long a shutdown waits for a start in progress before giving up on closing it. */
    private static final long START_WAIT_SECONDS = 30;

    private Micro() {
    }

    /** Boots the container and serves until the JVM is asked to stop. */
    public static void main(String[] args) {
        run();
    }

    /** Boots the container and blocks until SIGTERM or SIGINT, then shuts down in order. */
    public static void run() {
        long t0 = System.nanoTime();
        AtomicReference<SeContainer> running = new AtomicReference<>();
        AtomicBoolean stopping = new AtomicBoolean();
        CountDownLatch startDone = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        // Installed before the container starts: a SIGTERM during start-up must still deregister what registered.
        // No lock is held across start(), so a System.exit() or a hang inside it cannot wedge the hook.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            try {
                startDone.await(START_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            close(running.getAndSet(null));
            stopped.countDown();
        }, "microcdi-shutdown"));
        SeContainer container;
        try {
            container = start();
        } catch (RuntimeException e) {
            startDone.countDown();
            System.err.println("microcdi: start failed: " + rootMessage(e));
            System.exit(1);
            return;
        }
        running.set(container);
        startDone.countDown();
        if (stopping.get()) {
            return; // asked to stop while starting: the hook, released by startDone, closes it
        }
        try {
            Server server = container.select(MicroLifecycle.class).get().server();
            if (server != null) {
                LOG.log(System.Logger.Level.INFO, "started in {0} ms, listening on {1}",
                        (System.nanoTime() - t0) / 1_000_000, server.address());
            }
        } catch (IllegalStateException closing) {
            return; // a SIGTERM closed it meanwhile
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void close(SeContainer c) {
        if (c != null && c.isRunning()) {
            c.close();
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
