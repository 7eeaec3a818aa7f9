package io.microcdi.testing;

import java.nio.file.Path;
import java.time.Duration;

/** Small programs {@link ExternalProcessTest} starts as other JVMs. */
final class Children {

    private Children() {
    }

    /** Prints its environment, directory and arguments, says it is ready, and runs until stopped. */
    static final class Polite {

        public static void main(String[] args) throws Exception {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("TERM received, bye")));
            System.out.println("env GREETING=" + System.getenv("GREETING"));
            System.out.println("dir " + Path.of("").toAbsolutePath());
            System.out.println("args " + String.join(",", args));
            System.out.println("READY");
            System.out.flush();
            Thread.currentThread().join();
        }
    }

    /** Says it is ready, then refuses to end on SIGTERM: its shutdown hook never returns. */
    static final class Stubborn {

        public static void main(String[] args) throws Exception {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.out.println("TERM received, staying");
                System.out.flush();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            System.out.println("READY");
            System.out.flush();
            Thread.currentThread().join();
        }
    }

    /** Writes a last word and fails at once. */
    static final class Failing {

        public static void main(String[] args) {
            System.out.println("cannot bind: address already in use");
            System.exit(3);
        }
    }

    /** Starts {@link Polite} through {@link ExternalProcess}, prints its pid, and exits without stopping it. */
    static final class Forgetful {

        public static void main(String[] args) {
            ExternalProcess child = ExternalProcess.java(Polite.class).readyWhenLogMatches("READY")
                    .stopTimeout(Duration.ofSeconds(5)).start();
            System.out.println("CHILD " + child.pid());
            System.out.flush();
            System.exit(0); // the shutdown hook must stop the child
        }
    }
}
