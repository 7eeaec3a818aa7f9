package io.microcdi.cli;

import io.microcdi.config.ConfigException;
import io.microcdi.errors.ErrorJson;
import io.microcdi.errors.MicroException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns what a command threw into the lines a person reads and an exit code: a configuration error in one line
 * (exit 2), a remote error as Go Micro's error fields (exit 1), anything else as its message (exit 1); a stack trace
 * only when debugging.
 *
 * <pre>{@code
 * micro call: 400 Bad Request from greeter.hello: name is required
 * {"id":"greeter.hello","code":400,"detail":"name is required","status":"Bad Request"}
 * }</pre>
 */
final class Failures {

    private Failures() {
    }

    static int report(Exception thrown, CommandLine commandLine, boolean debug) {
        Throwable e = unwrap(thrown);
        PrintWriter err = commandLine.getErr();
        String name = commandLine.getCommandSpec().qualifiedName();
        Object command = commandLine.getCommand();
        boolean json = command instanceof Subcommand s && s.micro().json();
        int exit;
        if (e instanceof MicroException m) {
            if (json) {
                err.println(ErrorJson.write(m));
            } else {
                err.println(name + ": " + describe(m));
                err.println(ErrorJson.write(m));
            }
            exit = MicroCli.FAILED;
        } else if (e instanceof ConfigException) {
            err.println(name + ": " + e.getMessage());
            exit = MicroCli.USAGE;
        } else if (e instanceof CliException c) {
            err.println(name + ": " + c.getMessage());
            exit = c.exitCode();
        } else {
            err.println(name + ": " + message(e));
            exit = MicroCli.FAILED;
        }
        if (debug) {
            thrown.printStackTrace(err);
        }
        err.flush();
        return exit;
    }

    /** {@code 400 Bad Request from greeter.hello: name is required}. */
    static String describe(MicroException m) {
        String status = m.status().isEmpty() ? MicroException.statusText(m.code()) : m.status();
        return m.code() + (status.isEmpty() ? "" : " " + status) + (m.id().isEmpty() ? "" : " from " + m.id())
                + ": " + m.detail();
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The message, and that of the root cause when it says more. */
    private static String message(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (root != e && root.getMessage() != null && !m.contains(root.getMessage())) {
            m += " (" + root.getMessage() + ")";
        }
        return m;
    }
}
