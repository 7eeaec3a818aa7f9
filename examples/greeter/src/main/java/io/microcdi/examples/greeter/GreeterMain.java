package io.microcdi.examples.greeter;

import io.microcdi.Micro;
import io.microcdi.tool.Load;
import jakarta.enterprise.inject.se.SeContainer;

import java.util.Arrays;
import java.util.function.Function;

/**
 * {@code java -jar greeter.jar} serves the greeter, in JSON ({@link Greeter}) and in protobuf ({@link ProtoGreeter});
 * {@code java -jar greeter.jar call [name] [count]} calls the first, {@code call-proto [name] [count]} the second,
 * {@code chat [count]} streams {@code count} names through {@code Greeter.Chat} and reports the rate;
 * {@code java -jar greeter.jar load ...} puts load on it (or on any service: see {@link Load}).
 *
 * <pre>{@code
 * java -jar examples/greeter/target/greeter.jar                 # serve (MICRO_SERVER_ADDRESS=127.0.0.1:8080 to pin)
 * java -jar examples/greeter/target/greeter.jar call John 3     # find it over mDNS and call it 3 times
 * java -jar examples/greeter/target/greeter.jar call-proto John # the same through greeter-proto, in protobuf
 * java -jar examples/greeter/target/greeter.jar chat 1000000    # a million names through one bidirectional stream
 * java -jar examples/greeter/target/greeter.jar load --service greeter --endpoint Greeter.Hello \
 *      --body '{"name":"John"}' --concurrency 32 --duration 10s
 * }</pre>
 */
public final class GreeterMain {

    private GreeterMain() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("load")) {
            System.exit(Load.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0 && (args[0].equals("call") || args[0].equals("call-proto"))) {
            String name = args.length > 1 ? args[1] : "John";
            int count = args.length > 2 ? Integer.parseInt(args[2]) : 1;
            System.exit(args[0].equals("call")
                    ? call(c -> c.select(GreeterCaller.class).get()::greet, name, count)
                    : call(c -> c.select(ProtoGreeterCaller.class).get()::greet, name, count));
        }
        if (args.length > 0 && args[0].equals("chat")) {
            System.exit(chat(args.length > 1 ? Long.parseLong(args[1]) : 100_000));
        }
        Micro.run();
    }

    private static int chat(long count) {
        System.setProperty("micro.server.enabled", "false");
        try (SeContainer container = Micro.start()) {
            System.out.println(container.select(GreeterChat.class).get().run(count));
            return 0;
        } catch (RuntimeException e) {
            System.err.println("chat failed: " + Micro.describe(e)); // a bad configuration value, a failed call
            return 2;
        }
    }

    private static int call(Function<SeContainer, Function<String, String>> caller, String name, int count) {
        // this process only calls: it must not serve a greeter of its own
        System.setProperty("micro.server.enabled", "false");
        try (SeContainer container = Micro.start()) {
            Function<String, String> greet = caller.apply(container);
            for (int i = 0; i < count; i++) {
                System.out.println(greet.apply(name));
            }
            return 0;
        } catch (RuntimeException e) {
            System.err.println("call failed: " + Micro.describe(e)); // a bad configuration value, a failed call
            return 2;
        }
    }
}
