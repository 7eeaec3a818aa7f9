package io.microcdi.server.rpc;

import java.time.Duration;
import java.time.Instant;

/**
 * What {@code Debug.Stats} answers: Go Micro's {@code StatsResponse} fields ({@code started}, {@code uptime},
 * {@code memory}, {@code threads}, {@code gc}) and the call counts Go Micro v2 added ({@code requests},
 * {@code errors}).
 *
 * <pre>{@code
 * ServerStats s = server.stats();
 * log.info("up " + s.uptime() + ", " + s.requests() + " calls, " + s.errors() + " answered with an error");
 * }</pre>
 *
 * @param started  when the server started
 * @param uptime   how long it has been up
 * @param memory   heap bytes in use (Go Micro: bytes of allocated heap objects)
 * @param threads  live JVM threads (Go Micro: goroutines); handlers on virtual threads are not among them
 * @param gc       the time the JVM's collectors report having spent collecting, added up (Go Micro: GC pause total)
 * @param requests calls received, the streams opened and {@code Debug.*} calls included
 * @param errors   calls answered with an error (unknown endpoint, bad body, deadline, busy, a handler's error), and
 *                 streams refused before they opened
 */
public record ServerStats(Instant started, Duration uptime, long memory, long threads, Duration gc, long requests,
                          long errors) {
}
