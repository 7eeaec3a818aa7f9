package io.microcdi.selector.cache;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The {@code java.util.logging} records of one class's logger ({@link System.Logger} maps to JUL here), formatted.
 *
 * <pre>{@code
 * try (LogCapture log = LogCapture.of(RegistryCache.class)) {
 *     ...
 *     assertThat(log.messages(Level.WARNING)).hasSize(1);
 * }
 * }</pre>
 */
final class LogCapture extends Handler implements AutoCloseable {

    private static final SimpleFormatter FORMAT = new SimpleFormatter();

    /** Held strongly: JUL keeps loggers only weakly, and a collected logger would lose the handler. */
    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogCapture(Logger logger) {
        this.logger = logger;
        logger.addHandler(this);
    }

    static LogCapture of(Class<?> type) {
        return new LogCapture(Logger.getLogger(type.getName()));
    }

    @Override
    public void publish(LogRecord r) {
        records.add(r);
    }

    /** The messages logged at exactly {@code level}, parameters filled in, in order. */
    List<String> messages(Level level) {
        return records.stream().filter(r -> r.getLevel().equals(level)).map(FORMAT::formatMessage).toList();
    }

    /** The messages at {@code level} that contain {@code text}. */
    List<String> messages(Level level, String text) {
        return messages(level).stream().filter(m -> m.contains(text)).toList();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
