package io.microcdi.examples.wrappers;

import io.microcdi.Micro;
import io.microcdi.codec.Codec;
import io.microcdi.codec.Codecs;
import io.microcdi.errors.MicroException;
import jakarta.enterprise.inject.se.SeContainer;

import java.nio.charset.StandardCharsets;

/**
 * {@code java -jar wrappers.jar [serve]} serves the frontend and the backend, or only one of them with
 * {@code example.role} ({@link RoleFilter}); {@code java -jar wrappers.jar call [--timeout 3s] [--token T]
 * [--no-token]} calls the frontend once and prints one JSON line with what every hop saw ({@link CallReport}), or the
 * error in Go Micro's shape ({@link ErrorView}) and exits with 1.
 *
 * <pre>{@code
 * EXAMPLE_ROLE=backend  java -jar examples/wrappers/target/wrappers.jar &
 * EXAMPLE_ROLE=frontend java -jar examples/wrappers/target/wrappers.jar &
 * java -jar examples/wrappers/target/wrappers.jar call --timeout 3s
 * }</pre>
 *
 * <p>{@code --timeout} is the client's request timeout ({@code micro.client.request-timeout}), the deadline every hop
 * inherits; {@code --token} sends another token than {@code example.token}; {@code --no-token} sends none
 * ({@code example.send-token=false}): the backend answers 401 through the frontend.
 */
public final class WrappersMain {

    private WrappersMain() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("call")) {
            System.exit(call(args));
        }
        if (args.length > 1 || (args.length == 1 && !args[0].equals("serve"))) {
            System.err.println("usage: wrappers.jar [serve] | call [--timeout 3s] [--token T] [--no-token]");
            System.exit(64);
        }
        Micro.run();
    }

    private static int call(String[] args) {
        for (int i = 1; i < args.length; i++) {
            if ((args[i].equals("--timeout") || args[i].equals("--token")) && i + 1 >= args.length) {
                System.err.println("call: " + args[i] + " needs a value");
                return 64;
            }
            switch (args[i]) {
                case "--timeout" -> System.setProperty("micro.client.request-timeout", args[++i]);
                case "--token" -> System.setProperty("example.token", args[++i]);
                case "--no-token" -> System.setProperty("example.send-token", "false");
                default -> {
                    System.err.println("call: unknown option " + args[i]
                            + " (expected: --timeout DURATION, --token TOKEN, --no-token)");
                    return 64;
                }
            }
        }
        // this process only calls: it serves neither hop
        System.setProperty("micro.server.enabled", "false");
        SeContainer started;
        try {
            started = Micro.start();
        } catch (RuntimeException e) {
            System.err.println("call failed: " + Micro.describe(e)); // a bad configuration value: one line
            return 2;
        }
        try (SeContainer container = started) {
            Codec json = container.select(Codecs.class).get().get("application/json");
            try {
                CallReport report = container.select(Caller.class).get().call();
                print(json, report);
                return 0;
            } catch (MicroException e) {
                print(json, ErrorView.of(e));
                return 1;
            }
        }
    }

    private static void print(Codec json, Object value) {
        System.out.println(new String(json.encoder(value.getClass()).encode(value), StandardCharsets.UTF_8));
    }
}
