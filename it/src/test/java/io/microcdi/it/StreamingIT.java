package io.microcdi.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A bidirectional stream between two processes: {@code greeter.jar chat 1000000} streams a million names through
 * {@code Greeter.Chat} of a greeter process found over mDNS on loopback, and checks every reply in order. Both JVMs
 * run with a 64 MiB heap: a million messages each way fit only if neither side holds more than a window of them.
 */
class StreamingIT {

    private static final Pattern SERVING = Pattern.compile("serving \\[([^\\]]*)\\] on (\\S+)");
    private static final Pattern RESULT = Pattern.compile(
            "chat: (\\d+) replies in order in ([\\d.]+) s: ([\\d,]+) messages/s each way; peak heap (\\d+) MiB "
                    + "\\(limit (\\d+) MiB\\)");

    @RegisterExtension
    final Processes processes = Processes.perTest();

    @Test
    void aMillionMessagesEachWayInBoundedMemory() {
        GreeterProcess server = processes.start(GreeterProcess.server("chat-server").heap("64m"));
        awaitServing(server);
        GreeterProcess chat = processes.start(GreeterProcess.server("chat").heap("64m").args("chat", "1000000"));

        int exit = chat.awaitExit(Duration.ofMinutes(5));

        assertThat(exit).as("exit code of `GreeterMain chat 1000000`\n%s", chat.diagnostics()).isZero();
        Matcher m = RESULT.matcher(chat.stdout());
        assertThat(m.find()).as("the chat's report\n%s", chat.diagnostics()).isTrue();
        System.out.println("[StreamingIT] " + m.group());
        assertThat(Long.parseLong(m.group(1))).isEqualTo(1_000_000);
        assertThat(server.process().isAlive()).as(server.diagnostics()).isTrue();
        assertThat(server.stderr()).as("the server side").doesNotContain("OutOfMemoryError");
    }

    private static void awaitServing(GreeterProcess p) {
        await(p.name() + " serving").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!p.process().isAlive()) {
                throw new AssertionError(p.name() + " exited before serving\n" + p.diagnostics());
            }
            return SERVING.matcher(p.stderr()).find();
        });
    }
}
