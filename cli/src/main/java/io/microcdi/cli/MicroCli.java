package io.microcdi.cli;

import io.microcdi.config.MicroConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code micro} command: Go Micro's command line for MicroCDI services (and Go Micro ones), on the plugins and
 * configuration services use, without a CDI container.
 *
 * <pre>{@code
 * micro services                                     # names and versions, from micro.registry (mdns by default)
 * micro call greeter Greeter.Hello '{"name":"John"}' # {"greeting":"Hello John"}
 * micro --registry etcd -Dmicro.registry.etcd.endpoints=10.0.0.1:2379 describe greeter --output json
 * int exit = MicroCli.run(new String[] {"services"}, out, err, System.in);   // the same, embedded
 * }</pre>
 *
 * <p>Exit codes: 0 done; 1 the command ran and failed (a remote error, a service not found, a node not healthy);
 * 2 a bad command line or configuration value, reported in one or two lines (a stack trace only with
 * {@code --debug} or {@code -Dmicro.debug=true}).
 */
@Command(name = "micro", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
        versionProvider = MicroCli.Version.class, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Lists, describes, calls and watches MicroCDI and Go Micro services; publishes and "
                + "subscribes to topics.",
                "Plugins and their settings come from MicroProfile Config as for a service: system properties, "
                        + "environment variables (MICRO_REGISTRY=etcd), -D options and the options below."},
        subcommands = {ServicesCommand.class, DescribeCommand.class, CallCommand.class, StreamCommand.class,
                PublishCommand.class, SubscribeCommand.class, HealthCommand.class, WatchCommand.class,
                LoadCommand.class, ApiCommand.class, CompletionCommand.class},
        footer = {"", "Exit codes: 0 done, 1 failed (remote error, not found, unhealthy), 2 bad command line or "
                + "configuration."})
public final class MicroCli implements Callable<Integer> {

    /** Exit code of a command that ran and failed. */
    static final int FAILED = 1;
    /** Exit code of a bad command line or configuration value. */
    static final int USAGE = 2;

    @Option(names = "--registry", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "Service discovery, micro.registry: mdns (default), etcd, gossip, memory.")
    String registry;

    @Option(names = "--transport", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "How calls travel, micro.transport: http (default), memory.")
    String transport;

    @Option(names = "--broker", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "Pub/sub, micro.broker: http (default), nats, kafka, memory.")
    String broker;

    @Option(names = "-D", paramLabel = "KEY=VALUE", scope = ScopeType.INHERIT,
            description = "A configuration key for this run, as -Dmicro.registry.etcd.endpoints=10.0.0.1:2379; "
                    + "wins over system properties and the environment.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", scope = ScopeType.INHERIT,
            converter = FormatConverter.class, description = "text (default) or json.")
    Format output = Format.TEXT;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "The same as --output json.")
    boolean json;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Log at INFO and print stack traces (also -Dmicro.debug=true, MICRO_DEBUG=true).")
    boolean debug;

    @Spec
    CommandSpec spec;

    private final InputStream in;
    /** The plugins of this run, made on first use; closed by {@link #close()}, also from the JVM's shutdown hook. */
    private volatile Session session;

    MicroCli(InputStream in) {
        this.in = in;
    }

    /** Runs {@code micro args} and exits with its code. */
    public static void main(String[] args) {
        List<String> given = List.of(args);
        quietLogging(given.contains("--debug") || given.contains("-Dmicro.debug=true") || debugProperty());
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        MicroCli root = new MicroCli(System.in);
        // Ctrl-C during subscribe or watch: the subscription is withdrawn and the registry says goodbye
        Runtime.getRuntime().addShutdownHook(new Thread(root::close, "micro-shutdown"));
        int exit = execute(root, args, out, err);
        out.flush();
        err.flush();
        System.exit(exit);
    }

    /**
     * Runs {@code micro args}, printing to {@code out} and {@code err} and reading {@code in} (for {@code stream});
     * returns the exit code. Every plugin it made is closed when it returns.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err, InputStream in) {
        return execute(new MicroCli(in), args, out, err);
    }

    /** Runs {@code args} on {@code root}; {@link #close()} from another thread ends it as Ctrl-C does. */
    static int execute(MicroCli root, String[] args, PrintWriter out, PrintWriter err) {
        try {
            return commandLine(root, out, err).execute(args);
        } finally {
            root.close();
        }
    }

    /** The command tree of {@code root}, with the error handling a person reads. */
    static CommandLine commandLine(MicroCli root, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(root)
                .setOut(out)
                .setErr(err)
                // @FILE is a message body read from a file (as curl's -d @file), not an argument file
                .setExpandAtFiles(false)
                .registerConverter(Duration.class, new DurationConverter())
                .setParameterExceptionHandler(MicroCli::badCommandLine)
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> Failures.report(e, commandLine,
                        root.debugging()));
        LoadCommand.passOptionsThrough(cl.getSubcommands().get("load"));
        return cl;
    }

    /** No command given: the usage, and the exit code of a bad command line. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    /** The configuration of this run: MicroProfile Config, then {@code -D} options, then the plugin options. */
    MicroConfig config() {
        return CommandLineConfig.load(overrides());
    }

    /** The {@code micro.*} values given on the command line ({@code -D} and the plugin options). */
    Map<String, String> overrides() {
        Map<String, String> overrides = new LinkedHashMap<>(properties);
        put(overrides, "micro.registry", registry);
        put(overrides, "micro.transport", transport);
        put(overrides, "micro.broker", broker);
        return overrides;
    }

    /** The plugins of this run, made on first use from {@link #config()}. */
    Session session() {
        Session s = session;
        if (s == null) {
            synchronized (this) {
                s = session;
                if (s == null) {
                    s = Session.open(config());
                    session = s;
                }
            }
        }
        return s;
    }

    /** Closes what {@link #session()} made; any thread, any number of times. */
    void close() {
        Session s;
        synchronized (this) {
            s = session;
        }
        if (s != null) {
            s.close();
        }
    }

    /** Whether results are printed as JSON. */
    boolean json() {
        return json || output == Format.JSON;
    }

    /** {@code --debug}, {@code -Dmicro.debug=true} (an option or a system property) or {@code MICRO_DEBUG=true}. */
    boolean debugging() {
        return debug || debugProperty() || "true".equalsIgnoreCase(properties.get("micro.debug"));
    }

    private static boolean debugProperty() {
        return Boolean.getBoolean("micro.debug") || "true".equalsIgnoreCase(System.getenv("MICRO_DEBUG"));
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    InputStream in() {
        return in;
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    /** A bad option or argument: what is wrong and where help is, on two lines; no usage dump. */
    private static int badCommandLine(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        String name = cl.getCommandSpec().qualifiedName();
        String message = e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            message += " (did you mean: " + String.join(", ", u.getSuggestions()) + "?)";
        }
        err.println(name + ": " + message);
        err.println("Try '" + name + " --help' for more.");
        err.flush();
        return USAGE;
    }

    /**
     * Logging a person at a terminal does not want: the plugins' INFO lines (mDNS, Netty) go only with
     * {@code --debug}; warnings always show.
     */
    static void quietLogging(boolean debug) {
        Logger.getLogger("").setLevel(debug ? Level.INFO : Level.WARNING);
    }

    /** How results are printed. */
    enum Format { TEXT, JSON }

    /** {@code --output text|json}. */
    static final class FormatConverter implements CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "text" -> Format.TEXT;
                case "json" -> Format.JSON;
                default -> throw new CommandLine.TypeConversionException(value + " (expected: text or json)");
            };
        }
    }

    /** Durations as in the configuration: {@code 500ms}, {@code 5s}, {@code 1m}, {@code 2h}, {@code PT5S}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return MicroConfig.of(Map.of("d", value)).duration("d", Duration.ofSeconds(1));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(value
                        + " (expected: a duration > 0 such as 500ms, 5s, 1m, 2h or PT5S)");
            }
        }
    }

    /** {@code micro --version}: the jar's version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = MicroCli.class.getPackage().getImplementationVersion();
            return new String[] {"micro " + (v == null ? "(development build)" : v)};
        }
    }
}
