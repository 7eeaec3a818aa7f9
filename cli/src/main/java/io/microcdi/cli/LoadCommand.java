package io.microcdi.cli;

import io.microcdi.tool.Load;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code micro load ...}: the load tool ({@link Load}), with its own command line, the one
 * {@code greeter.jar load ...} takes; the plugin options and {@code -D} keys given to {@code micro} reach it as
 * system properties.
 *
 * <pre>{@code
 * $ micro load --service greeter --endpoint Greeter.Hello --body '{"name":"John"}' --concurrency 32 --duration 10s
 * calls=141234 failures=0 rps=14123 p50_ms=1.802 p99_ms=7.911
 * $ micro load --help                                   # the load tool's own options
 * }</pre>
 *
 * <p>Unlike the other commands, the load tool boots a (client-only) Weld SE container: it drives the same client a
 * {@code @MicroClient} gets, wrappers and retry policy beans included. Its output goes to the process's standard
 * output and error.
 */
@Command(name = "load", description = {"Puts load on one endpoint through the framework's client and prints the "
        + "rate and latency percentiles: the load tool, whose options follow (micro load --help lists them)."})
final class LoadCommand extends Subcommand {

    @Parameters(paramLabel = "OPTION", arity = "0..*",
            description = "The load tool's options: --service NAME --endpoint Handler.Method [--body TEXT] "
                    + "[--concurrency N] [--duration D] [--calls N] ...")
    List<String> args = new ArrayList<>();

    /**
     * Hands every argument after {@code load} but {@code micro}'s own options to the load tool, {@code --help}
     * included, so that it prints its own usage.
     */
    static void passOptionsThrough(CommandLine load) {
        load.setUnmatchedOptionsArePositionalParams(true);
        CommandSpec spec = load.getCommandSpec();
        for (String name : List.of("--help", "--version")) {
            CommandLine.Model.OptionSpec option = spec.findOption(name);
            if (option != null) {
                spec.remove(option);
            }
        }
    }

    @Override
    public Integer call() {
        // the load tool reads MicroProfile Config through its container: the command line's keys go there this way
        micro().overrides().forEach(System::setProperty);
        out().flush();
        return Load.run(args.toArray(String[]::new));
    }
}
