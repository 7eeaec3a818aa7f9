package io.microcdi;

import io.microcdi.cdi.MicroLifecycle;
import io.microcdi.server.Server;
import jakarta.enterprise.inject.se.SeContainer;
import org.jboss.weld.bootstrap.spi.BeanDiscoveryMode;
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
        run(null);
    }

    /**
     * Boots the container and blocks until SIGTERM or SIGINT, then shuts down in order. The calling application's
     * classes are beans even without a {@code META-INF/beans.xml}; a start that finds nothing to serve (no
     * {@code @Service}, no {@code @Subscribe}) stops with a message saying so.
     */
    public static void run() {
        run(caller());
    }

    private static void run(Class<?> application) {
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
            container = start(application);
        } catch (RuntimeException e) {
            startDone.countDown();
            System.err.println("microcdi: start failed: " + describe(e));
            System.exit(1);
            return;
        }
        running.set(container);
        startDone.countDown();
        if (stopping.get()) {
            return; // asked to stop while starting: the hook, released by startDone, closes it
        }
        try {
            MicroLifecycle lifecycle = container.select(MicroLifecycle.class).get();
            Server server = lifecycle.server();
            if (server != null) {
                LOG.log(System.Logger.Level.INFO, "started in {0} ms, listening on {1}",
                        (System.nanoTime() - t0) / 1_000_000, server.address());
            } else if (lifecycle.subscriptions().isEmpty()) {
                System.err.println("microcdi: nothing to serve: no @Service and no @Subscribe bean was found. "
                        + "Annotate a class with @io.microcdi.annotation.Service, and make sure Weld sees it: call "
                        + "Micro.run() from your own main class (its package is scanned), or add an empty "
                        + "src/main/resources/META-INF/beans.xml to the module that holds your beans.");
                System.exit(2);
                return;
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

    /**
     * Boots Weld SE with bean discovery; the caller closes the container. The classes of the calling application
     * (the package of the class that called, and below) are beans even when its archive has no
     * {@code META-INF/beans.xml}.
     */
    public static SeContainer start() {
        return start(caller());
    }

    static SeContainer start(Class<?> application) {
        skipBeansXmlValidation();
        Weld weld = new Weld()
                // our own hook orders the shutdown; Weld's would race it
                .property(Weld.SHUTDOWN_HOOK_SYSTEM_PROPERTY, false);
        if (application != null && !BeanArchives.declared(application)) {
            // no beans.xml beside the application's classes: Weld would not look at them at all
            weld.setBeanDiscoveryMode(BeanDiscoveryMode.ANNOTATED).addPackages(true, application);
        }
        return weld.initialize();
    }

    /** Weld's key for not validating {@code beans.xml} files against their XML schema. */
    static final String XML_VALIDATION_KEY = "org.jboss.weld.xml.disableValidating";

    /**
     * Weld validates every {@code beans.xml} against the CDI XML schema before reading it: that loads and sets up the
     * JDK's schema validator (about 400 classes) for files that are empty or nearly so. Weld reads this setting from
     * the system properties only; one the user set ({@code -Dorg.jboss.weld.xml.disableValidating=false}) is kept.
     */
    static void skipBeansXmlValidation() {
        if (System.getProperty(XML_VALIDATION_KEY) == null) {
            System.setProperty(XML_VALIDATION_KEY, "true");
        }
    }

    /**
     * The application class that called in: the first caller outside this module (the load tool, say, is in it), the
     * application's main class typically.
     */
    private static Class<?> caller() {
        java.security.CodeSource ours = Micro.class.getProtectionDomain().getCodeSource();
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                .map(StackWalker.StackFrame::getDeclaringClass)
                .filter(c -> c.getProtectionDomain().getCodeSource() == null || ours == null
                        || !ours.getLocation().equals(c.getProtectionDomain().getCodeSource().getLocation()))
                .findFirst().orElse(null));
    }

    /**
     * What a person reads of a failed start: the configuration error (key, value, what is allowed) or the innermost
     * cause, one line; the whole stack trace too when {@code -Dmicro.debug=true} (or {@code MICRO_DEBUG=true}).
     *
     * <pre>{@code
     * catch (RuntimeException e) { System.err.println("call failed: " + Micro.describe(e)); return 2; }
     * }</pre>
     */
    public static String describe(Throwable e) {
        if (debug()) {
            java.io.StringWriter w = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(w));
            return w.toString();
        }
        Throwable root = e;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof io.microcdi.config.ConfigException || t instanceof io.microcdi.errors.MicroException
                    || t instanceof io.microcdi.lifecycle.StartAbortedException) {
                return t.getMessage();
            }
            root = t;
        }
        String message = root.getMessage() == null ? root.toString() : root.getMessage();
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)) + " (-Dmicro.debug=true shows the stack trace)";
    }

    private static boolean debug() {
        return Boolean.getBoolean("micro.debug") || "true".equalsIgnoreCase(System.getenv("MICRO_DEBUG"));
    }
}
