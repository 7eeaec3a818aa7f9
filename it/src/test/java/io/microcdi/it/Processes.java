package io.microcdi.it;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Owns the processes a test starts and destroys them however the test ends.
 *
 * <pre>{@code
 * @RegisterExtension static final Processes shared = Processes.perClass();   // destroyed after all tests
 * @RegisterExtension final Processes processes = Processes.perTest();         // destroyed after each test
 * GreeterProcess g = processes.start(GreeterProcess.server("a"));
 * }</pre>
 *
 * <p>Each process gets SIGTERM, then SIGKILL after a bounded wait ({@link GreeterProcess#close()}). A JVM shutdown
 * hook kills whatever is still alive if the test JVM itself is stopped.
 */
public final class Processes implements AfterEachCallback, AfterAllCallback {

    private static final Set<GreeterProcess> ALIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ALIVE.forEach(GreeterProcess::sigkill),
                "it-process-reaper"));
    }

    private final boolean perTest;
    private final Deque<GreeterProcess> started = new ArrayDeque<>();

    private Processes(boolean perTest) {
        this.perTest = perTest;
    }

    /** Destroys its processes after each test. */
    public static Processes perTest() {
        return new Processes(true);
    }

    /** Destroys its processes after the last test of the class. */
    public static Processes perClass() {
        return new Processes(false);
    }

    /** Starts {@code spec} and owns the process. */
    public synchronized GreeterProcess start(GreeterProcess.Spec spec) {
        GreeterProcess p = spec.start();
        started.push(p);
        ALIVE.add(p);
        return p;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            closeAll();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        closeAll();
    }

    /** Stops every owned process, the newest first; ends with none alive. */
    public synchronized void closeAll() {
        RuntimeException failure = null;
        started.forEach(GreeterProcess::sigterm); // all stop at once; close() below waits for each
        while (!started.isEmpty()) {
            GreeterProcess p = started.pop();
            try {
                p.close();
            } catch (RuntimeException e) {
                p.sigkill();
                if (failure == null) {
                    failure = e;
                }
            } finally {
                ALIVE.remove(p);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
