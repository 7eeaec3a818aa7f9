package io.microcdi.internal.config;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The table in {@code src/site/markdown/configuration.md} is the one list of {@code micro.*} keys: every key the main
 * code of any module under {@code extension/} (and {@code cli/}, {@code runtime/}, {@code deployment/}) reads is in it, it lists no key nobody reads, and every key named
 * elsewhere (messages and comments in the code, the site's pages, the README, examples, integration tests, scripts,
 * benchmarks) is one of its keys, so a renamed key leaves no stale mention behind.
 */
class ConfigurationTableTest {

    private static Path root;
    private static Set<String> table;
    /** Key or prefix read in code, with the files reading it. */
    private static Map<String, Set<String>> read;
    private static Map<String, Set<String>> prefixes;

    @BeforeAll
    static void scan() throws IOException {
        Path dir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("src/site/markdown/configuration.md"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("the project root, holding src/site/markdown/configuration.md").isNotNull();
        root = dir;
        table = ConfigKeyScan.table(Files.readString(root.resolve("src/site/markdown/configuration.md")));
        read = new TreeMap<>();
        prefixes = new TreeMap<>();
        for (Path file : mainSources()) {
            if (file.getFileName().toString().equals("RenamedKeys.java")) {
                continue; // the old names, on purpose: checked below against the table instead
            }
            ConfigKeyScan.Source s = ConfigKeyScan.java(Files.readString(file));
            String where = root.relativize(file).toString();
            s.keys().forEach(k -> read.computeIfAbsent(k, x -> new TreeSet<>()).add(where));
            s.prefixes().forEach(k -> prefixes.computeIfAbsent(k, x -> new TreeSet<>()).add(where));
        }
    }

    /** The framework's modules and the examples (the example plugin's keys are in the table too). */
    private static List<Path> mainSources() throws IOException {
        List<Path> sources = new ArrayList<>();
        for (String parent : List.of("extension", "examples")) {
            try (Stream<Path> modules = Files.list(root.resolve(parent))) {
                modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory)
                        .flatMap(ConfigurationTableTest::walk).filter(p -> p.toString().endsWith(".java"))
                        .forEach(sources::add);
            }
        }
        // the top-level modules that read micro.* keys too: the command line and the Quarkus extension
        for (String module : List.of("cli", "runtime", "deployment")) {
            Path main = root.resolve(module).resolve("src/main/java");
            if (Files.isDirectory(main)) {
                walk(main).filter(p -> p.toString().endsWith(".java")).forEach(sources::add);
            }
        }
        return sources;
    }

    private static Stream<Path> walk(Path dir) {
        try {
            return Files.walk(dir).filter(Files::isRegularFile).filter(p -> !p.toString().contains("/target/"))
                    .toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theScanFindsTheKeysItMust() {
        // a scan that found nothing would pass every check below
        assertThat(table).contains("micro.registry", "micro.transport.http.pool-size", "micro.client.<service>.retries",
                "micro.client.<service>.attempt-timeout");
        assertThat(read).containsKeys("micro.registry", "micro.transport.http.pool-size",
                "micro.client.<service>.retries", "micro.registry.mdns.interface");
        assertThat(table.size()).isGreaterThan(60);
    }

    @Test
    void everyKeyReadInCodeIsInTheTable() {
        Map<String, Set<String>> missing = new TreeMap<>(read);
        missing.keySet().removeAll(table);
        assertThat(missing).as("keys read in code but missing from the table in configuration.md").isEmpty();
    }

    @Test
    void theTableListsNoKeyThatNoCodeReads() {
        Set<String> unread = new TreeSet<>(table);
        unread.removeAll(read.keySet());
        assertThat(unread).as("keys in the table of configuration.md that no code under extension/*/src/main or examples/*/src/main reads")
                .isEmpty();
    }

    @Test
    void everyPrefixKeysAreBuiltFromHasKeysInTheTable() {
        prefixes.keySet().forEach(p -> assertThat(table).as("keys under the prefix \"" + p + "\" read in "
                + prefixes.get(p)).anyMatch(k -> k.startsWith(p)));
    }

    @Test
    void renamedKeysAreGoneFromTheTableAndTheirNewNamesAreIn() {
        RenamedKeys.RENAMED.forEach((old, now) -> {
            assertThat(table).as("old name").doesNotContain(old);
            assertThat(table).as("new name of " + old).contains(now);
        });
    }

    @Test
    void everyKeyNamedInCodeDocsExamplesTestsAndScriptsIsInTheTable() throws IOException {
        Map<String, Set<String>> unknown = new TreeMap<>();
        List<Path> files = new java.util.ArrayList<>(mainSources());
        for (String dir : List.of("src/site/markdown", "examples", "it/src", "it/liberty/src", "scripts",
                "bench/jmh/src", "bench/load/src")) {
            if (Files.isDirectory(root.resolve(dir))) {
                walk(root.resolve(dir)).filter(ConfigurationTableTest::isText).forEach(files::add);
            }
        }
        files.add(root.resolve("README.md"));
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.equals("RenamedKeys.java")) {
                continue;
            }
            String text = withoutRenamedKeys(Files.readString(file));
            Set<String> mentions = name.endsWith(".java") ? ConfigKeyScan.java(text).mentions()
                    : ConfigKeyScan.mentions(text);
            for (String m : mentions) {
                if (!ConfigKeyScan.known(m, table) && !placeholder(m)) {
                    unknown.computeIfAbsent(m, x -> new TreeSet<>()).add(root.relativize(file).toString());
                }
            }
        }
        assertThat(unknown).as("keys named but not in the table of configuration.md (renamed? misspelt?)")
                .isEmpty();
    }

    /** A page without its "Renamed keys" section, the one place the old names belong. */
    static String withoutRenamedKeys(String text) {
        int start = text.indexOf("\n## Renamed keys");
        if (start < 0) {
            return text;
        }
        int end = text.indexOf("\n## ", start + 1);
        return text.substring(0, start) + (end < 0 ? "" : text.substring(end));
    }

    private static boolean isText(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".java") || n.endsWith(".md") || n.endsWith(".properties") || n.endsWith(".sh")
                || n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".xml") || !n.contains(".");
    }

    /**
     * {@code micro.<concern>.<name>.*} and the like (a way of writing keys, not a key), and the shell variables of
     * {@code scripts/bench} that happen to start with {@code MICRO_}.
     */
    private static boolean placeholder(String mention) {
        return mention.contains("<concern>") || mention.contains("<name>") || mention.contains("<key>")
                || mention.equals("MICRO_PID") || mention.equals("MICRO_PORT");
    }

    @Test
    void theChecksFailOnAMissingAStaleOrAnUnknownKey() {
        String markdown = """
                # Configuration reference

                ## All keys

                | Key | Default | Meaning |
                |---|---|---|
                | `micro.registry` | `mdns` | which |
                | `micro.client.<service>.request-timeout`, `.retries` | | per service |
                | `micro.unread` | | nobody reads this |

                ## mDNS

                | `micro.not.in.the.table` | | another table |
                """;
        Set<String> t = ConfigKeyScan.table(markdown);
        assertThat(t).containsExactly("micro.registry", "micro.client.<service>.request-timeout",
                "micro.client.<service>.retries", "micro.unread");

        ConfigKeyScan.Source s = ConfigKeyScan.java("""
                class X {
                    static final String A = "micro.registry";
                    static final String B = "micro.client.<service>.retries";
                    static final String P = "micro.client.";
                    // "micro.in.a.comment" is no key read
                    /* nor "micro.in.a.block" */
                    static final String M = "micro.broker=http needs micro.transport.tls.cert";
                    static final String C = "micro.missing";
                    static final char Q = '"';
                    static final String D = "micro.after.a.quote.char";
                }
                """);
        assertThat(s.keys()).containsExactly("micro.registry", "micro.client.<service>.retries", "micro.missing",
                "micro.after.a.quote.char");
        assertThat(s.prefixes()).containsExactly("micro.client.");

        Set<String> missing = new LinkedHashSet<>(s.keys());
        missing.removeAll(t);
        assertThat(missing).containsExactly("micro.missing", "micro.after.a.quote.char");
        Set<String> unread = new LinkedHashSet<>(t);
        unread.removeAll(s.keys());
        assertThat(unread).containsExactly("micro.client.<service>.request-timeout", "micro.unread");

        assertThat(s.mentions()).contains("micro.in.a.comment", "micro.broker", "micro.transport.tls.cert");
        assertThat(ConfigKeyScan.known("micro.transport.tls.cert", t)).isFalse();
        assertThat(ConfigKeyScan.known("micro.client.go.micro.srv.greeter.retries", t)).isTrue();
        assertThat(ConfigKeyScan.known("micro.client.greeter.retires", t)).isFalse();
        assertThat(ConfigKeyScan.known("MICRO_CLIENT_GREETER_RETRIES", t)).isTrue();
        assertThat(ConfigKeyScan.known("MICRO_REGISTRY", t)).isTrue();
        assertThat(ConfigKeyScan.known("MICRO_CLIENT_POOL_SIZE", t)).isFalse();
        assertThat(ConfigKeyScan.known("micro.client.*", t)).isTrue();
        assertThat(ConfigKeyScan.known("micro.client.greeter.*", t)).isTrue();
        assertThat(ConfigKeyScan.known("micro.server.*", t)).isFalse();
    }
}
