package io.microcdi.cli;

/**
 * A failure a person reads as is, with the exit code it ends the command with: a service not in the registry, a
 * node that is not healthy, a file that cannot be read.
 *
 * <pre>{@code
 * throw new CliException("greeter: not in the registry (mdns)");   // "micro describe: greeter: not ..." exit 1
 * }</pre>
 */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    /** A failure of the command: exit code 1. */
    CliException(String message) {
        this(message, MicroCli.FAILED);
    }

    CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
