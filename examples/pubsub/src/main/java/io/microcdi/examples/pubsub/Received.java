package io.microcdi.examples.pubsub;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * What this subscriber received: counts, duplicates, and (with {@code pubsub.record=<file>}) one line per order id,
 * written before the delivery is acknowledged, so that a test can tell exactly which member got which order even
 * when the member is killed.
 *
 * <pre>{@code
 * java -Dpubsub.record=/tmp/a.ids -jar examples/pubsub/target/pubsub.jar
 * }</pre>
 */
@ApplicationScoped
public class Received {

    private static final System.Logger LOG = System.getLogger(Received.class.getName());

    private final BitSet seen = new BitSet();
    private long total;
    private long duplicates;
    private BufferedWriter record;
    private volatile java.util.Set<Long> poison;

    /** Counts order {@code id} (and writes it to the record file, flushed, when there is one). */
    public synchronized void record(long id, String messageId) {
        total++;
        if (id >= 0 && id < Integer.MAX_VALUE) {
            if (seen.get((int) id)) {
                duplicates++;
            } else {
                seen.set((int) id);
            }
        }
        try {
            BufferedWriter w = writer();
            if (w != null) {
                w.write(Long.toString(id));
                w.write('\n');
                w.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (total % 1000 == 0) {
            LOG.log(Level.INFO, "received {0} orders ({1} distinct, {2} duplicates)", String.valueOf(total),
                    String.valueOf(seen.cardinality()), String.valueOf(duplicates));
        }
    }

    private BufferedWriter writer() throws IOException {
        if (record == null) {
            String file = ConfigProvider.getConfig().getOptionalValue("pubsub.record", String.class).orElse(null);
            if (file == null) {
                return null;
            }
            record = Files.newBufferedWriter(Path.of(file), StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        return record;
    }

    /** Whether order {@code id} is one of {@code pubsub.poison} (comma-separated ids), which always fail. */
    public boolean isPoison(long id) {
        if (poison == null) {
            String ids = ConfigProvider.getConfig().getOptionalValue("pubsub.poison", String.class).orElse("");
            java.util.Set<Long> set = new java.util.HashSet<>();
            for (String s : ids.split(",")) {
                if (!s.isBlank()) {
                    set.add(Long.parseLong(s.trim()));
                }
            }
            poison = set;
        }
        return poison.contains(id);
    }

    /** Orders received, duplicates included. */
    public synchronized long total() {
        return total;
    }

    @PreDestroy
    synchronized void close() {
        // on stderr, not the log: java.util.logging resets its handlers in its own shutdown hook, so on SIGTERM a
        // log record made here may never be written
        System.err.println("received " + total + " orders in all (" + seen.cardinality() + " distinct, "
                + duplicates + " duplicates)");
        if (record != null) {
            try {
                record.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "closing the record file: " + e.getMessage());
            }
        }
    }
}
