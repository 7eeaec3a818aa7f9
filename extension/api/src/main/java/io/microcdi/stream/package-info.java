/**
 * Streams of messages as {@link java.util.concurrent.Flow.Publisher}s, and the few operators a streaming handler or
 * caller needs without a reactive library: {@link io.microcdi.stream.Streams}. Reactor, Mutiny or RxJava publishers
 * work as well (they adapt to {@code Flow}).
 */
package io.microcdi.stream;
