package io.microcdi.it;

import io.microcdi.testing.Engines;
import io.microcdi.testing.ExternalProcess;
import io.microcdi.testing.FreePorts;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Follows {@code src/site/markdown/first-service.md} as a reader would: writes every file the page shows (the blocks
 * after {@code <!-- file: PATH -->}) into an empty directory, runs its build and start commands ({@code <!-- run: DIR
 * -->}), then its curl ({@code <!-- call -->}), whose output must be the page's answer ({@code <!-- answer -->}). The
 * only change made to what the page says is the port: a free one instead of 8080.
 *
 * <p>The project it builds takes MicroCDI from the local Maven repository: {@code scripts/test} installs this build
 * there first ({@code mvn install}), so the page is checked against this very code.
 */
class HelloTutorialIT {

    private static final Pattern BLOCK = Pattern.compile("<!-- (file: (\\S+)|run: (\\S+)|call|answer) -->\\s*\\n```\\w*\\n"
            + "(.*?)\\n```", Pattern.DOTALL);
    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private record Page(Map<String, String> files, String runDir, List<String> run, String call, String answer) {
    }

    @Test
    void aReaderGoesFromAnEmptyDirectoryToTheAnswerOfTheCurl() throws Exception {
        assumeSnapshotInstalled();
        Page page = read();
        assertThat(page.files()).containsKeys("hello/pom.xml", "hello/src/main/java/com/example/hello/Hello.java",
                "hello/src/main/java/com/example/hello/Main.java");
        assertThat(page.files().keySet()).noneMatch(f -> f.endsWith("beans.xml")); // the page promises none is needed
        for (Map.Entry<String, String> f : page.files().entrySet()) {
            Path file = dir.resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, f.getValue() + "\n");
        }
        Path project = dir.resolve(page.runDir());
        String port = String.valueOf(FreePorts.one());
        assertThat(page.run()).hasSize(2);

        build(project, page.run().get(0));

        try (ExternalProcess hello = ExternalProcess.builder("bash", "-c", "exec env " + page.run().get(1)
                        .replace("127.0.0.1:8080", "127.0.0.1:" + port))
                .directory(project).name("hello")
                .readyWhenLogMatches("serving \\[hello\\] on 127\\.0\\.0\\.1:" + port)
                .startTimeout(START).start()) {
            ExternalProcess curl = ExternalProcess.builder("bash", "-c", page.call().replace("127.0.0.1:8080/",
                    "127.0.0.1:" + port + "/")).directory(project).name("curl").start();
            assertThat(curl.awaitExit(Duration.ofSeconds(30))).as(curl.logTail(20)).isZero();
            assertThat(Files.readString(curl.log()).strip()).isEqualTo(page.answer().strip());
            assertThat(hello.isAlive()).isTrue();
        }
    }

    @Test
    void theLauncherSaysSoWhenThereIsNothingToServe() throws Exception {
        assumeSnapshotInstalled();
        Page page = read();
        for (Map.Entry<String, String> f : page.files().entrySet()) {
            if (f.getKey().endsWith("Hello.java")) {
                continue; // the reader forgot the service
            }
            Path file = dir.resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, f.getValue() + "\n");
        }
        Path project = dir.resolve(page.runDir());
        build(project, page.run().get(0));

        ExternalProcess empty = ExternalProcess.builder("bash", "-c", "exec env " + page.run().get(1)
                .replace("127.0.0.1:8080", "127.0.0.1:" + FreePorts.one())).directory(project).name("empty").start();
        assertThat(empty.awaitExit(START)).isEqualTo(2);
        assertThat(Files.readString(empty.log())).contains("microcdi: nothing to serve: no @Service and no @Subscribe")
                .doesNotContain("\tat ");
    }

    private static void build(Path project, String command) throws IOException {
        // as shown, batch mode added so that Maven writes no progress bars into the log
        ExternalProcess mvn = ExternalProcess.builder("bash", "-c", command.replaceFirst("^mvn ", "mvn -B -ntp "))
                .directory(project).name("mvn-package").start();
        int exit = mvn.awaitExit(Duration.ofMinutes(5));
        assertThat(exit).as("the page's build: %s", mvn.logTail(40)).isZero();
        assertThat(project.resolve("target/hello.jar")).exists();
    }

    private static Page read() throws IOException {
        Path md = root().resolve("src/site/markdown/first-service.md");
        String text = Files.readString(md, StandardCharsets.UTF_8);
        Map<String, String> files = new LinkedHashMap<>();
        String runDir = null;
        List<String> run = new ArrayList<>();
        String call = null;
        String answer = null;
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String body = m.group(4);
            if (m.group(2) != null) {
                files.put(m.group(2), body);
            } else if (m.group(3) != null) {
                runDir = m.group(3);
                body.lines().filter(l -> !l.isBlank()).forEach(run::add);
            } else if (m.group(1).equals("call")) {
                call = body;
            } else {
                answer = body;
            }
        }
        if (runDir == null || call == null || answer == null) {
            fail("first-service.md lost a block the test follows (run, call or answer)");
        }
        return new Page(files, runDir, run, call, answer);
    }

    private static Path root() {
        Path d = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        while (d != null && !Files.exists(d.resolve("src/site/markdown/first-service.md"))) {
            d = d.getParent();
        }
        if (d == null) {
            fail("no src/site/markdown/first-service.md above " + System.getProperty("basedir", "."));
        }
        return d;
    }

    /** The page's project needs this build in the local repository: scripts/test installs it. */
    private static void assumeSnapshotInstalled() {
        Path repo = Path.of(System.getProperty("user.home"), ".m2", "repository", "io", "microcdi");
        boolean installed = Files.exists(repo.resolve("microcdi-bom/0.1.0-SNAPSHOT"))
                && Files.exists(repo.resolve("microcdi-se/0.1.0-SNAPSHOT"));
        String why = "MicroCDI 0.1.0-SNAPSHOT is not in the local Maven repository: scripts/test installs it "
                + "(mvn install) before this test runs";
        if (!installed && Engines.required()) {
            fail(why);
        }
        Assumptions.assumeTrue(installed, why);
    }
}
