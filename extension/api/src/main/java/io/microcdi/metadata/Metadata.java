package io.microcdi.metadata;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Immutable string headers whose keys are matched without regard to case (unlike Go Micro's map).
 *
 * <pre>{@code
 * Metadata md = Metadata.of("X-User-Id", "42");
 * md.get("x-user-id");                      // "42"
 * Metadata more = md.with("Trace", "abc");  // md is unchanged
 * }</pre>
 *
 * <p>Stored as two parallel arrays: headers are few, so a linear scan beats hashing and allocates nothing.
 */
public final class Metadata {

    private static final String[] NONE = new String[0];
    private static final Metadata EMPTY = new Metadata(NONE, NONE);

    private final String[] keys;
    private final String[] values;

    private Metadata(String[] keys, String[] values) {
        this.keys = keys;
        this.values = values;
    }

    /** No headers. */
    public static Metadata empty() {
        return EMPTY;
    }

    /** Headers from alternating keys and values: {@code of("A", "1", "B", "2")}. */
    public static Metadata of(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keysAndValues: odd length " + keysAndValues.length
                    + " (expected: key, value pairs)");
        }
        Builder b = builder(keysAndValues.length / 2);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            b.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return b.build();
    }

    /** Headers copied from {@code map}. */
    public static Metadata from(Map<String, String> map) {
        Builder b = builder(map.size());
        map.forEach(b::put);
        return b.build();
    }

    /** A builder expecting about {@code expected} entries. */
    public static Builder builder(int expected) {
        return new Builder(expected);
    }

    /** A builder holding these entries, with room for {@code extra} more: a template filled in per call. */
    public Builder toBuilder(int extra) {
        Builder b = new Builder(keys.length + Math.max(extra, 0));
        System.arraycopy(keys, 0, b.keys, 0, keys.length);
        System.arraycopy(values, 0, b.values, 0, values.length);
        b.size = keys.length;
        if (b.size >= Builder.INDEX_FROM) {
            b.index();
        }
        return b;
    }

    /** The value of {@code key}, matched ignoring case, or {@code null}. */
    public String get(String key) {
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    /** The value of {@code key}, or {@code fallback}. */
    public String getOrDefault(String key, String fallback) {
        String v = get(key);
        return v == null ? fallback : v;
    }

    /** Whether {@code key} is present. */
    public boolean contains(String key) {
        return indexOf(key) >= 0;
    }

    /** A copy with {@code key} set to {@code value} (replacing any entry with the same key in another case). */
    public Metadata with(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        int i = indexOf(key);
        if (i >= 0) {
            String[] v = values.clone();
            String[] k = keys.clone();
            k[i] = key;
            v[i] = value;
            return new Metadata(k, v);
        }
        String[] k = Arrays.copyOf(keys, keys.length + 1);
        String[] v = Arrays.copyOf(values, values.length + 1);
        k[keys.length] = key;
        v[values.length] = value;
        return new Metadata(k, v);
    }

    /** A copy without {@code key} (matched ignoring case); this one when it has no such entry. */
    public Metadata without(String key) {
        int i = indexOf(key);
        if (i < 0) {
            return this;
        }
        Builder b = builder(keys.length - 1);
        for (int j = 0; j < keys.length; j++) {
            if (j != i) {
                b.put(keys[j], values[j]);
            }
        }
        return b.build();
    }

    /** A copy with the entries of {@code other} added, {@code other} winning on equal keys. */
    public Metadata merge(Metadata other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        Builder b = builder(size() + other.size());
        forEach(b::put);
        other.forEach(b::put);
        return b.build();
    }

    /** Number of entries. */
    public int size() {
        return keys.length;
    }

    /** Whether there are no entries. */
    public boolean isEmpty() {
        return keys.length == 0;
    }

    /** Calls {@code action} for each entry, in insertion order, with the key as it was given. */
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < keys.length; i++) {
            action.accept(keys[i], values[i]);
        }
    }

    /** The entries as an unmodifiable, insertion-ordered map (keys as given). */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        forEach(m::put);
        return Collections.unmodifiableMap(m);
    }

    private int indexOf(String key) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].equalsIgnoreCase(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Metadata other) || other.size() != size()) {
            return false;
        }
        for (int i = 0; i < keys.length; i++) {
            if (!values[i].equals(other.get(keys[i]))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (int i = 0; i < keys.length; i++) {
            h += foldedHash(keys[i]) ^ values[i].hashCode();
        }
        return h;
    }

    /** A hash that agrees with {@link String#equalsIgnoreCase}, which folds each char through upper then lower case. */
    private static int foldedHash(String key) {
        int h = 0;
        for (int i = 0; i < key.length(); i++) {
            h = 31 * h + Character.toLowerCase(Character.toUpperCase(key.charAt(i)));
        }
        return h;
    }

    @Override
    public String toString() {
        return asMap().toString();
    }

    /** Collects entries; a later {@code put} of the same key (any case) replaces the earlier one. */
    public static final class Builder {
        /** Past this many entries a hash index replaces the linear scan: a request may carry thousands of headers. */
        private static final int INDEX_FROM = 16;

        private String[] keys;
        private String[] values;
        private int size;
        private java.util.HashMap<String, Integer> index;
        /** The arrays belong to a built Metadata too: copy before writing. */
        private boolean shared;

        private Builder(int expected) {
            int n = Math.max(expected, 4);
            keys = new String[n];
            values = new String[n];
        }

        /** Adds or replaces {@code key}. */
        public Builder put(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (shared) {
                keys = keys.clone();
                values = values.clone();
                shared = false;
            }
            int i = find(key);
            if (i >= 0) {
                keys[i] = key;
                values[i] = value;
                return this;
            }
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            keys[size] = key;
            values[size] = value;
            if (index != null) {
                index.put(fold(key), size);
            }
            size++;
            if (index == null && size == INDEX_FROM) {
                index();
            }
            return this;
        }

        private void index() {
            index = new java.util.HashMap<>();
            for (int k = 0; k < size; k++) {
                index.put(fold(keys[k]), k);
            }
        }

        private int find(String key) {
            if (index != null) {
                Integer i = index.get(fold(key));
                return i == null ? -1 : i;
            }
            for (int i = 0; i < size; i++) {
                if (keys[i].equalsIgnoreCase(key)) {
                    return i;
                }
            }
            return -1;
        }

        /** The key as {@link String#equalsIgnoreCase} compares it: each char through upper, then lower case. */
        private static String fold(String key) {
            char[] c = new char[key.length()];
            for (int i = 0; i < c.length; i++) {
                c[i] = Character.toLowerCase(Character.toUpperCase(key.charAt(i)));
            }
            return new String(c);
        }

        /** The metadata collected so far. */
        public Metadata build() {
            if (size == 0) {
                return EMPTY;
            }
            if (size == keys.length) {
                // exactly full (a template with its per-call entries): share the arrays instead of copying them;
                // a later put copies first
                shared = true;
                return new Metadata(keys, values);
            }
            return new Metadata(Arrays.copyOf(keys, size), Arrays.copyOf(values, size));
        }
    }
}
