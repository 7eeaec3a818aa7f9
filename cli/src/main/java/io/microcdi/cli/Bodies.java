package io.microcdi.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * A message body given on the command line: the text itself, {@code @FILE} for a file's bytes (protobuf, say), or
 * {@code -} for standard input.
 *
 * <pre>{@code
 * Bodies.read("{\"name\":\"John\"}", in)   // the text's UTF-8 bytes
 * Bodies.read("@req.bin", in)              // the file's bytes
 * }</pre>
 */
final class Bodies {

    private Bodies() {
    }

    static byte[] read(String arg, InputStream in) {
        if (arg.equals("-")) {
            try {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new CliException("cannot read the body from standard input: " + e.getMessage());
            }
        }
        if (arg.startsWith("@") && arg.length() > 1) {
            try {
                return Files.readAllBytes(Path.of(arg.substring(1)));
            } catch (IOException | InvalidPathException e) {
                throw new CliException("cannot read the body from " + arg.substring(1) + ": " + e.getMessage(),
                        MicroCli.USAGE);
            }
        }
        return arg.getBytes(StandardCharsets.UTF_8);
    }
}
