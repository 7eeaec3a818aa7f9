package io.microcdi.cli;

import io.microcdi.broker.Broker;
import io.microcdi.client.Client;
import io.microcdi.codec.Codecs;
import io.microcdi.config.ConfigException;
import io.microcdi.config.MicroConfig;
import io.microcdi.config.Plugins;
import io.microcdi.internal.config.RenamedKeys;
import io.microcdi.registry.Registry;
import io.microcdi.selector.Selector;
import io.microcdi.transport.Transport;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The plugins of one {@code micro} run, made from the configuration the way a service's container makes them
 * ({@code MicroProducers}), but without a container: each on first use, so {@code micro services} starts no
 * transport and {@code micro call --address} no registry; all closed together, the last made first.
 *
 * <pre>{@code
 * try (Session s = Session.open(config)) {              // fails at once on an unknown plugin name or a renamed key
 *     s.registry().listServices();
 *     s.client().call(request, options).join();        // registry -> selector -> client, as a @MicroClient's
 * }
 * }</pre>
 */
final class Session implements AutoCloseable {

    private final MicroConfig config;
    private final Plugins plugins;
    /** What was made, to close in reverse order. */
    private final Deque<AutoCloseable> made = new ArrayDeque<>();
    private Registry registry;
    private Transport transport;
    private Codecs codecs;
    private Client client;
    private Broker broker;
    private boolean closed;

    private Session(MicroConfig config, Plugins plugins) {
        this.config = config;
        this.plugins = plugins;
    }

    /**
     * The plugins {@code config} names, checked: every {@code micro.<concern>} name and every renamed key, all
     * problems in one message.
     *
     * @throws ConfigException naming each bad key, its value and what is allowed
     */
    static Session open(MicroConfig config) {
        Plugins plugins = Plugins.load(Session.class.getClassLoader(), List.of());
        List<String> problems = new ArrayList<>(RenamedKeys.problems(config));
        problems.addAll(plugins.problems(config));
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
        return new Session(config, plugins);
    }

    MicroConfig config() {
        return config;
    }

    /** The plugins found, for what makes its own clients ({@code micro api}'s node health checks). */
    Plugins plugins() {
        return plugins;
    }

    /** The registry {@code micro.registry} names. */
    synchronized Registry registry() {
        ensureOpen();
        if (registry == null) {
            registry = keep(plugins.registry(config));
        }
        return registry;
    }

    /** The transport {@code micro.transport} names. */
    synchronized Transport transport() {
        ensureOpen();
        if (transport == null) {
            transport = keep(plugins.transport(config));
        }
        return transport;
    }

    /** The client {@code micro.client} names, selecting with {@code micro.selector} over the registry. */
    synchronized Client client() {
        ensureOpen();
        if (client == null) {
            Selector selector = keep(plugins.selector(config, registry()));
            client = keep(plugins.client(config, selector, transport(), codecs()));
        }
        return client;
    }

    /**
     * A client whose every call goes to {@code address} ({@code host:port}), whatever the service named: the
     * registry is not asked.
     */
    synchronized Client directClient(String address) {
        ensureOpen();
        return keep(plugins.client(config, new DirectSelector(address), transport(), codecs()));
    }

    /** The broker {@code micro.broker} names, connected. */
    synchronized Broker broker() {
        ensureOpen();
        if (broker == null) {
            // the http broker registers subscriptions in the registry and delivers over the transport
            Broker b = plugins.broker(config, registry(), transport());
            made.push(b::disconnect);
            b.connect();
            broker = b;
        }
        return broker;
    }

    /** Returns once {@link #close()} ran (Ctrl-C): what a command that serves until stopped waits on. */
    synchronized void awaitClose() throws InterruptedException {
        while (!closed) {
            wait();
        }
    }

    /** Whether {@link #close()} ran: a loop that waits for events ends quietly. */
    synchronized boolean isClosed() {
        return closed;
    }

    /** Closes everything made, the last made first (the broker before the registry it registered in). */
    @Override
    public void close() {
        List<AutoCloseable> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            notifyAll();
            toClose = new ArrayList<>(made);
            made.clear();
        }
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception e) {
                System.getLogger(Session.class.getName()).log(System.Logger.Level.DEBUG, "closing " + c, e);
            }
        }
    }

    synchronized Codecs codecs() {
        if (codecs == null) {
            codecs = plugins.codecs(config);
        }
        return codecs;
    }

    private <T extends AutoCloseable> T keep(T made) {
        this.made.push(made);
        return made;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("micro: closed");
        }
    }
}
