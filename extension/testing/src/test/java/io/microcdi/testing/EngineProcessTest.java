package io.microcdi.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An engine's process, on small shell scripts: down on purpose or dead, its log, several at once, a retried start. */
class EngineProcessTest {

    @TempDir
    Path dir;

    private final List<Script> started = new ArrayList<>();

    @AfterEach
    void killAll() {
        EngineProcess.killAll(started);
    }

    /** An engine that is a shell script. */
    final class Script extends EngineProcess {

        Script(String name) {
            super(name, dir.resolve(name + ".log"));
            started.add(this);
        }

        /** Runs {@code script}; with {@code ready}, returns once it printed {@code started}. */
        Script launch(String script, boolean ready) {
            ExternalProcess.Builder b = ExternalProcess.builder("/bin/sh", "-c", script).name(name()).directory(dir)
                    .log(log()).stopTimeout(Duration.ofSeconds(5));
            if (ready) {
                b.readyWhenLogMatches("^started$");
            }
            launch(b);
            return this;
        }

        boolean died() {
            return diedUnexpectedly();
        }

        @Override
        public String toString() {
            return name() + "(" + state().substring(2) + ")";
        }
    }

    private static final String SLEEPER = "echo started; exec sleep 600";

    @Test
    void aProcessKilledOnPurposeIsDownNotDead() {
        Script s = new Script("sleeper");
        assertThat(s.toString()).isEqualTo("sleeper(not started)");
        assertThat(s.logTail()).isEqualTo("(no log yet)");
        assertThatThrownBy(s::pid).hasMessage("sleeper was never started");

        s.launch(SLEEPER, true);
        assertThat(s.isAlive()).isTrue();
        assertThat(s.isDown()).isFalse();
        assertThat(s.toString()).isEqualTo("sleeper(pid " + s.pid() + ", running)");
        assertThat(s.logTail()).isEqualTo("started");

        s.kill();
        assertThat(s.isAlive()).isFalse();
        assertThat(s.isDown()).isTrue();
        assertThat(s.died()).isFalse();
        assertThat(s.toString()).endsWith(", ended)");

        // launched again: ready at the new run's line, not at the old one the log it appends to holds already
        s.launch(SLEEPER, true);
        assertThat(s.isDown()).isFalse();
        assertThat(s.logTail()).isEqualTo("started\nstarted");
    }

    @Test
    void theLogTailIsItsLastLines() {
        Script s = new Script("talker").launch("seq 1 100; echo started; exec sleep 600", true);
        String tail = s.logTail();
        assertThat(tail.lines()).hasSize(EngineProcess.TAIL_LINES).first().isEqualTo(String.valueOf(
                102 - EngineProcess.TAIL_LINES));
        assertThat(tail).endsWith("100\nstarted");
    }

    @Test
    void awaitOrFailReportsOneThatEndedByItselfAtOnceWithTheLogs() {
        Script healthy = new Script("healthy").launch(SLEEPER, true);
        Script broken = new Script("broken").launch("echo 'bind: Address already in use'; exit 1", false);

        long t0 = System.nanoTime();
        assertThatThrownBy(() -> EngineProcess.awaitOrFail("test", "a quorum", Duration.ofSeconds(60),
                Duration.ofMillis(10), started, () -> false, () -> "asked twice"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("test: broken(pid " + broken.pid() + ", ended) ended before a quorum; "
                        + "asked twice\n")
                .hasMessageContaining("--- healthy (" + healthy.log() + ") ends with:\nstarted\n")
                .hasMessageContaining("--- broken (" + broken.log() + ") ends with:\nbind: Address already in use");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        assertThat(broken.died()).isTrue();
    }

    @Test
    void aFailedStartIsDestroyedAndSaysWhetherAPortWasTaken() {
        Script broken = new Script("broken").launch("echo 'bind: Address already in use'; exit 1", false);
        Script healthy = new Script("healthy").launch(SLEEPER, true);
        IllegalStateException timeout = new IllegalStateException("not ready in time");
        AtomicInteger destroyed = new AtomicInteger();

        assertThatThrownBy(() -> EngineProcess.startOrDestroy(List.of(healthy, broken), () -> {
            throw timeout;
        }, destroyed::incrementAndGet)).isInstanceOf(EngineProcess.PortTaken.class).hasCause(timeout);
        assertThat(destroyed.get()).isEqualTo(1);

        assertThatThrownBy(() -> EngineProcess.startOrDestroy(List.of(healthy), () -> {
            throw timeout;
        }, destroyed::incrementAndGet)).isSameAs(timeout);
        assertThat(destroyed.get()).isEqualTo(2);

        EngineProcess.startOrDestroy(List.of(healthy), () -> { }, destroyed::incrementAndGet);
        assertThat(destroyed.get()).isEqualTo(2);
    }

    @Test
    void awaitOrFailTimesOutNamingWhatItAwaited() {
        new Script("slow").launch(SLEEPER, true);
        assertThatThrownBy(() -> EngineProcess.awaitOrFail("test", "leader", Duration.ofMillis(200),
                Duration.ofMillis(10), started, () -> false, () -> "none yet"))
                .hasMessageStartingWith("test: no leader within 200 ms; none yet\n--- slow (");
        AtomicInteger polls = new AtomicInteger();
        EngineProcess.awaitOrFail("test", "three polls", Duration.ofSeconds(10), Duration.ofMillis(10), started,
                () -> polls.incrementAndGet() == 3, () -> "");
        assertThat(polls.get()).isEqualTo(3);
    }

    @Test
    void stopAllStopsThemSideBySide() {
        Script a = new Script("a").launch(SLEEPER, true);
        Script b = new Script("b").launch(SLEEPER, true);

        assertThat(EngineProcess.stopAll(List.of(a, b))).isFalse();

        assertThat(a.isAlive()).isFalse();
        assertThat(b.isAlive()).isFalse();
        assertThat(a.isDown() && b.isDown()).isTrue();
    }

    @Test
    void aStartWhosePortWasTakenIsTriedOnceMore() {
        AtomicInteger attempts = new AtomicInteger();
        String value = EngineProcess.retryIfPortTaken("test", () -> {
            if (attempts.incrementAndGet() == 1) {
                throw new EngineProcess.PortTaken(new IllegalStateException("bind: address already in use"));
            }
            return "second";
        });
        assertThat(value).isEqualTo("second");
        assertThat(attempts.get()).isEqualTo(2);

        assertThatThrownBy(() -> EngineProcess.retryIfPortTaken("test", () -> {
            throw new EngineProcess.PortTaken(new IllegalStateException("port " + attempts.incrementAndGet()));
        }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("test: a port was taken twice in a row: port 4")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().extracting(Throwable::getMessage)
                        .isEqualTo("port 3"));
        // any other failure is not retried
        assertThatThrownBy(() -> EngineProcess.retryIfPortTaken("test", () -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("bad flag");
        })).hasMessage("bad flag");
        assertThat(attempts.get()).isEqualTo(5);
    }

    @Test
    void deleteRecursivelyDeletesATreeAndIgnoresOneThatIsGone() throws Exception {
        Path root = EngineProcess.newDirectory("microcdi-engine-test-");
        java.nio.file.Files.createDirectories(root.resolve("a/b"));
        java.nio.file.Files.writeString(root.resolve("a/b/c.log"), "x");
        EngineProcess.deleteRecursively(root);
        assertThat(root).doesNotExist();
        EngineProcess.deleteRecursively(root);
    }
}
