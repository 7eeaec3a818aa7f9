package io.microcdi.wrappers;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The lines {@link LoggingInterceptor} logs while open ({@link System.Logger} maps to {@code java.util.logging}
 * here), as {@code LEVEL message}.
 *
 * <pre>{@code
 * try (LogLines log = LogLines.open()) {
 *     ...
 *     assertThat(log.lines()).contains("INFO call GreeterApi.hello ok ...");
 * }
 * }</pre>
 */
final class LogLines extends Handler implements AutoCloseable {

    /** Held strongly: JUL keeps loggers only weakly, and a collected logger would lose the handler. */
    private final Logger logger;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private LogLines(Logger logger) {
        this.logger = logger;
        logger.addHandler(this);
    }

    static LogLines open() {
        return new LogLines(Logger.getLogger(LoggingInterceptor.LOGGER));
    }

    @Override
    public void publish(LogRecord r) {
        lines.add(r.getLevel().getName() + " " + r.getMessage());
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines containing {@code text}. */
    List<String> containing(String text) {
        return lines.stream().filter(l -> l.contains(text)).toList();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
