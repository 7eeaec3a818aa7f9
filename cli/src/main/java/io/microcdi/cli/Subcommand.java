package io.microcdi.cli;

import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * What every {@code micro} subcommand shares: the root command, whose options (plugins, {@code -D}, output format)
 * every subcommand inherits, and the plugins of the run.
 *
 * <pre>{@code
 * @Command(name = "services")
 * final class ServicesCommand extends Subcommand { public Integer call() { session().registry()... } }
 * }</pre>
 */
abstract class Subcommand implements Callable<Integer> {

    @ParentCommand
    private MicroCli micro;

    MicroCli micro() {
        return micro;
    }

    Session session() {
        return micro.session();
    }

    boolean json() {
        return micro.json();
    }

    PrintWriter out() {
        return micro.out();
    }

    PrintWriter err() {
        return micro.err();
    }
}
