package io.microcdi.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ExternalProcessTest {

    private final List<ExternalProcess> started = new ArrayList<>();

    @AfterEach
    void stopAll() {
        started.forEach(ExternalProcess::stop);
    }

    private ExternalProcess track(ExternalProcess p) {
        started.add(p);
        return p;
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aPythonHttpServerIsReadyWhenItsPortAcceptsAndGoneWhenStopped(@TempDir Path dir) throws Exception {
        Path python = ExternalProcess.onPath("python3").orElseThrow(() -> new AssertionError("python3 not on PATH"));
        Files.writeString(dir.resolve("hello.txt"), "hello from the temp dir");
        int port = FreePorts.one();

        ExternalProcess server = track(ExternalProcess.builder(python.toString(), "-m", "http.server",
                        "--bind", "127.0.0.1", Integer.toString(port))
                .directory(dir)
                .readyWhenPortAccepts(port)
                .start());
        HttpResponse<String> file = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/hello.txt")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).isEqualTo("hello from the temp dir");
        assertThat(server.isAlive()).isTrue();
        server.stop();
        assertThat(server.isAlive()).isFalse();
        assertThat(accepts(port)).isFalse();
    }

    @Test
    void argumentsEnvironmentDirectoryAndLogReachTheProgramAndStopIsSigterm(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("polite.log");

        ExternalProcess polite = track(ExternalProcess.java(Children.Polite.class, "one", "two words")
                .env("GREETING", "hej")
                .directory(dir)
                .log(log)
                .readyWhenLogMatches("^READY$")
                .start());
        int exit = polite.stop();

        String text = Files.readString(log);
        assertThat(polite.log()).isEqualTo(log);
        assertThat(text).contains("env GREETING=hej", "dir " + dir.toRealPath(), "args one,two words",
                "TERM received, bye");
        assertThat(exit).isEqualTo(143); // 128 + SIGTERM
        assertThat(polite.stop()).as("stopping again").isEqualTo(143);
    }

    @Test
    void aProgramThatIgnoresSigtermIsKilledAfterTheStopTimeout() {
        ExternalProcess stubborn = track(ExternalProcess.java(Children.Stubborn.class)
                .readyWhenLogMatches("READY")
                .stopTimeout(Duration.ofMillis(500))
                .start());

        long start = System.nanoTime();
        int exit = stubborn.stop();

        assertThat(exit).isEqualTo(137); // 128 + SIGKILL
        assertThat(stubborn.logTail(5)).contains("TERM received, staying");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void killIsSigkillWithNoChanceToCleanUp() {
        ExternalProcess polite = track(ExternalProcess.java(Children.Polite.class)
                .readyWhenLogMatches("READY").start());

        assertThat(polite.kill()).isEqualTo(137);
        assertThat(polite.isAlive()).isFalse();
        assertThat(polite.logTail(5)).doesNotContain("TERM received");
    }

    @Test
    void awaitExitGivesTheExitCodeOfACommandThatRunsToItsEnd() {
        ExternalProcess done = track(ExternalProcess.builder("bash", "-c", "echo done; exit 7").start());
        assertThat(done.awaitExit(Duration.ofSeconds(30))).isEqualTo(7);
        assertThat(done.logTail(1)).contains("done");

        ExternalProcess endless = track(ExternalProcess.builder("sleep", "600").start());
        assertThatThrownBy(() -> endless.awaitExit(Duration.ofMillis(200))).isInstanceOf(AssertionError.class)
                .hasMessageContaining("did not end within");
        assertThat(endless.isAlive()).isFalse();
    }

    @Test
    void aProgramThatEndsBeforeItIsReadyFailsTheStartWithItsLastWords() {
        assertThatThrownBy(() -> ExternalProcess.java(Children.Failing.class).readyWhenLogMatches("READY").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ended with exit code 3")
                .hasMessageContaining("cannot bind: address already in use");
    }

    @Test
    void aProgramNotReadyInTimeIsStoppedAndFailsTheStart() {
        int port = FreePorts.one(); // nothing will listen there

        assertThatThrownBy(() -> ExternalProcess.java(Children.Polite.class)
                .readyWhenPortAccepts(port)
                .startTimeout(Duration.ofSeconds(2))
                .start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("127.0.0.1:" + port)
                .hasMessageContaining("within 2000 ms")
                .hasMessageContaining("READY"); // the log's tail
    }

    @Test
    void aProgramThatDoesNotExistFailsAtOnce() {
        assertThatThrownBy(() -> ExternalProcess.builder("/nonexistent/program-" + System.nanoTime()).start())
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot start");
        assertThat(ExternalProcess.onPath("no-such-program-" + System.nanoTime())).isEmpty();
    }

    @Test
    void awaitLogLineReadsOnlyWhatCameSinceTheLastCall() {
        ExternalProcess polite = track(ExternalProcess.java(Children.Polite.class, "x").start());

        assertThat(polite.awaitLogLine(Pattern.compile("^args "), Duration.ofSeconds(30))).isEqualTo("args x");
        assertThat(polite.awaitLogLine(Pattern.compile("READY"), Duration.ofSeconds(30))).isEqualTo("READY");
        assertThatThrownBy(() -> polite.awaitLogLine(Pattern.compile("^args "), Duration.ofMillis(300)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theShutdownHookStopsAProcessTheTestForgot() {
        ExternalProcess forgetful = track(ExternalProcess.java(Children.Forgetful.class).start());
        String line = forgetful.awaitLogLine(Pattern.compile("^CHILD \\d+$"), Duration.ofSeconds(30));
        long child = Long.parseLong(line.substring("CHILD ".length()));

        await().atMost(Duration.ofSeconds(30)).until(() -> !forgetful.isAlive());

        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
    }
}
