package io.microcdi.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Runs {@code micro} in this JVM as a person runs it, capturing what it prints.
 *
 * <pre>{@code
 * Cli.Run r = Cli.run("--registry", "memory", "services");
 * assertThat(r.exit()).isZero();
 * Cli.Running watch = Cli.start("watch", "--count", "1");   // in the background
 * watch.awaitErr("watching");
 * }</pre>
 */
final class Cli {

    private Cli() {
    }

    /** What one run returned and printed. */
    record Run(int exit, String out, String err) {

        List<String> outLines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- out ---\n" + out + "--- err ---\n" + err;
        }
    }

    static Run run(String... args) {
        return runWithInput("", args);
    }

    static Run runWithInput(String stdin, String... args) {
        return start(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), args).finish(Duration.ofSeconds(45));
    }

    static Running start(String... args) {
        return start(InputStream.nullInputStream(), args);
    }

    /** Runs {@code micro args} on a thread of its own. */
    static Running start(InputStream in, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        MicroCli root = new MicroCli(in);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> MicroCli.execute(root, args,
                new PrintWriter(out, true), new PrintWriter(err, true)), r -> {
            Thread t = new Thread(r, "micro " + String.join(" ", args));
            t.setDaemon(true);
            t.start();
        });
        return new Running(root, exit, out, err);
    }

    /** A run in progress. */
    record Running(MicroCli root, CompletableFuture<Integer> exit, StringWriter out, StringWriter err) {

        /** What Ctrl-C does: the shutdown hook closes what the run made, and a waiting command ends. */
        Run interrupt() {
            root.close();
            return finish(Duration.ofSeconds(30));
        }

        /** Waits until standard error holds {@code text} (a command saying it is live). */
        void awaitErr(String text) {
            awaitText(err, text);
        }

        /** Waits until standard output holds {@code text}. */
        void awaitOut(String text) {
            awaitText(out, text);
        }

        private void awaitText(StringWriter stream, String text) {
            await("micro to print " + text).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        if (stream.toString().contains(text)) {
                            return true;
                        }
                        if (exit.isDone()) {
                            throw new AssertionError("micro ended first: " + snapshot());
                        }
                        return false;
                    });
        }

        Run finish(Duration timeout) {
            try {
                return new Run(exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS), out.toString(), err.toString());
            } catch (Exception e) {
                throw new AssertionError("micro did not end within " + timeout + ": " + snapshot(), e);
            }
        }

        String snapshot() {
            return "\n--- out ---\n" + out + "--- err ---\n" + err;
        }
    }
}
