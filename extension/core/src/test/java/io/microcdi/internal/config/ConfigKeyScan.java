package io.microcdi.internal.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@link ConfigurationTableTest} compares: the {@code micro.*} keys Java code reads (string literals that are a
 * whole key, {@code "micro.client.<service>.retries"} for a key with a variable part), the keys any text mentions, and
 * the keys of the table in {@code configuration.md}.
 *
 * <pre>{@code
 * ConfigKeyScan.Source s = ConfigKeyScan.java(source);   // s.keys(): literals; s.mentions(): in strings and comments
 * Set<String> table = ConfigKeyScan.table(markdown);      // the first column of the "All keys" table
 * }</pre>
 */
final class ConfigKeyScan {

    /** A whole key: lower case segments, {@code <service>} allowed as one. */
    static final Pattern KEY = Pattern.compile("micro(\\.([a-z0-9][a-z0-9-]*|<[a-z]+>))+");
    /** A prefix a key is built from: {@code "micro.client."}. */
    static final Pattern PREFIX = Pattern.compile("micro(\\.[a-z0-9][a-z0-9-]*)+\\.");
    /** A key named in prose, a message or a properties file; {@code .*} for all keys below a prefix. */
    private static final Pattern MENTION = Pattern.compile(
            "(?<![\\w.$/-])micro(\\.([a-z0-9][a-z0-9-]*|<[a-z]+>))+(\\.\\*)?");
    /** An environment variable naming a key. */
    private static final Pattern ENV = Pattern.compile("(?<![\\w$])MICRO_[A-Z0-9_]*[A-Z0-9](?![\\w-])");

    private ConfigKeyScan() {
    }

    /**
     * What a Java source holds.
     *
     * @param keys     string literals that are a whole key
     * @param prefixes string literals that are a key's beginning
     * @param mentions keys (and environment variables) named anywhere in string literals and comments
     */
    record Source(Set<String> keys, Set<String> prefixes, Set<String> mentions) {
    }

    static Source java(String src) {
        List<String> literals = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int n = src.length();
        int i = 0;
        while (i < n) {
            char c = src.charAt(i);
            char next = i + 1 < n ? src.charAt(i + 1) : 0;
            if (c == '/' && next == '/') {
                int end = src.indexOf('\n', i);
                end = end < 0 ? n : end;
                text.append(src, i, end).append('\n');
                i = end;
            } else if (c == '/' && next == '*') {
                int end = src.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                text.append(src, i, end).append('\n');
                i = end;
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end;
                literals.add(src.substring(i + 3, end));
                i = end + 3;
            } else if (c == '"' || c == '\'') {
                StringBuilder lit = new StringBuilder();
                int j = i + 1;
                while (j < n && src.charAt(j) != c && src.charAt(j) != '\n') {
                    if (src.charAt(j) == '\\' && j + 1 < n) {
                        j++;
                    }
                    lit.append(src.charAt(j));
                    j++;
                }
                if (c == '"') {
                    literals.add(lit.toString());
                }
                i = j + 1;
            } else {
                i++;
            }
        }
        Set<String> keys = new LinkedHashSet<>();
        Set<String> prefixes = new LinkedHashSet<>();
        for (String l : literals) {
            if (KEY.matcher(l).matches()) {
                keys.add(l);
            } else if (PREFIX.matcher(l).matches()) {
                prefixes.add(l);
            }
            text.append(l).append('\n');
        }
        return new Source(keys, prefixes, mentions(text.toString()));
    }

    /** The keys and environment variables {@code text} names. */
    static Set<String> mentions(String text) {
        Set<String> found = new LinkedHashSet<>();
        Matcher m = MENTION.matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        Matcher e = ENV.matcher(text);
        while (e.find()) {
            found.add(e.group());
        }
        return found;
    }

    /**
     * The keys of the table under {@code ## All keys}: the backticked keys of each row's first cell, where
     * {@code `.retries`} after {@code `micro.client.<service>.request-timeout`} stands for
     * {@code micro.client.<service>.retries}.
     */
    static Set<String> table(String markdown) {
        int start = markdown.indexOf("\n## All keys");
        if (start < 0) {
            throw new IllegalArgumentException("no '## All keys' section");
        }
        int end = markdown.indexOf("\n## ", start + 1);
        String section = markdown.substring(start, end < 0 ? markdown.length() : end);
        Set<String> keys = new LinkedHashSet<>();
        for (String line : section.split("\n")) {
            if (!line.startsWith("| `") && !line.startsWith("|`")) {
                continue;
            }
            String cell = line.substring(1, line.indexOf('|', 1));
            String parent = null;
            Matcher m = Pattern.compile("`([^`]+)`").matcher(cell);
            while (m.find()) {
                String k = m.group(1);
                if (k.startsWith(".") && parent != null) {
                    k = parent + k;
                }
                if (KEY.matcher(k).matches()) {
                    keys.add(k);
                    parent = k.substring(0, k.lastIndexOf('.'));
                }
            }
        }
        return keys;
    }

    /**
     * Whether {@code mention} (a key, {@code prefix.*}, or an environment variable) names a key of {@code table}:
     * itself, a key below it, or a key whose {@code <service>} it fills in.
     */
    static boolean known(String mention, Set<String> table) {
        if (mention.startsWith("MICRO_")) {
            for (String k : table) {
                if (Pattern.matches(envPattern(k), mention)) {
                    return true;
                }
            }
            return false;
        }
        if (mention.endsWith(".*")) {
            String prefix = mention.substring(0, mention.length() - 1);
            // micro.client.greeter.* names the keys micro.client.<service>.* gives greeter
            return table.stream().anyMatch(k -> k.startsWith(prefix)
                    || k.contains("<") && pattern(k).matcher(prefix + k.substring(k.lastIndexOf('.') + 1)).matches());
        }
        if (table.contains(mention)) {
            return true;
        }
        for (String k : table) {
            if (k.contains("<") && pattern(k).matcher(mention).matches()) {
                return true;
            }
        }
        return false;
    }

    /** The keys {@code key} stands for, with {@code <service>} any name (dots allowed, as in go.micro.srv.x). */
    private static Pattern pattern(String key) {
        StringBuilder p = new StringBuilder();
        for (String part : key.split("(?=<)|(?<=>)")) {
            p.append(part.startsWith("<") ? "[a-z0-9_.-]+" : Pattern.quote(part));
        }
        return Pattern.compile(p.toString());
    }

    /** The environment variables MicroProfile Config maps to {@code key}: upper case, {@code _} for the rest. */
    private static String envPattern(String key) {
        StringBuilder p = new StringBuilder();
        for (String part : key.split("(?=<)|(?<=>)")) {
            p.append(part.startsWith("<") ? "[A-Z0-9_]+"
                    : Pattern.quote(part.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_")));
        }
        return p.toString();
    }
}
