package io.microcdi.examples.registry.file;

import io.microcdi.config.ConfigException;
import io.microcdi.config.MicroConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of the {@code file} registry, read once from {@code micro.registry.file.*}; a bad value fails here,
 * naming its key.
 *
 * <pre>{@code
 * micro.registry=file
 * micro.registry.file.directory=/var/run/microcdi   # shared by every process on the machine
 * micro.registry.file.poll-interval=500ms           # how often watchers look for changes
 * }</pre>
 *
 * @param directory    where the node files are kept; created when missing
 * @param pollInterval how often the directory is read for changes to tell watchers about
 */
public record FileRegistryConfig(Path directory, Duration pollInterval) {

    /** The directory key. */
    public static final String DIRECTORY = "micro.registry.file.directory";
    /** The poll interval key. */
    public static final String POLL_INTERVAL = "micro.registry.file.poll-interval";
    /** Default of {@link #DIRECTORY}: {@code microcdi-registry} in the temporary directory. */
    public static final Path DEFAULT_DIRECTORY = Path.of(System.getProperty("java.io.tmpdir"), "microcdi-registry");
    /** Default of {@link #POLL_INTERVAL}. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

    public FileRegistryConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.isZero() || pollInterval.isNegative()) {
            throw new IllegalArgumentException("pollInterval: " + pollInterval + " (expected: > 0)");
        }
    }

    /**
     * Reads and checks every key: the directory must exist or be creatable, and be writable.
     *
     * @throws ConfigException naming the key and the value
     */
    public static FileRegistryConfig from(MicroConfig config) {
        Duration poll = config.duration(POLL_INTERVAL, DEFAULT_POLL_INTERVAL); // fails naming the key itself
        String raw = config.get(DIRECTORY).orElse(null);
        Path dir;
        try {
            dir = raw == null ? DEFAULT_DIRECTORY : Path.of(raw);
            Files.createDirectories(dir);
        } catch (InvalidPathException | IOException e) {
            throw new ConfigException(DIRECTORY + "=" + raw + " (expected: a directory this process can create: "
                    + e.getMessage() + ")");
        }
        if (!Files.isWritable(dir)) {
            throw new ConfigException(DIRECTORY + "=" + dir + " (expected: a directory this process can write)");
        }
        return new FileRegistryConfig(dir.toAbsolutePath(), poll);
    }
}
