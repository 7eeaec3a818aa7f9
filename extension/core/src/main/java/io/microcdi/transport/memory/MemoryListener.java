package io.microcdi.transport.memory;

import io.microcdi.transport.Listener;
import io.microcdi.transport.Transport;

import io.microcdi.transport.TransportException;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A handler registered under an address of the {@link MemoryTransport}; it counts the calls it has not answered yet,
 * which stand for the open connections of a socket listener.
 *
 * <pre>{@code
 * listener.stopAccepting();                                  // new sends fail, requestSent=false
 * listener.awaitConnectionsClosed(Duration.ofSeconds(10));   // every accepted call answered
 * listener.close();                                          // the address is free again
 * }</pre>
 */
final class MemoryListener implements Listener {

    private final MemoryTransport transport;
    private final String address;
    final Transport.Handler handler;
    private final AtomicInteger outstanding = new AtomicInteger();
    /** The server ends of open streams, each counted in {@link #outstanding} until it is over. */
    private final Set<MemoryStream> streams = ConcurrentHashMap.newKeySet();
    private final Object drained = new Object();
    private volatile boolean accepting = true;
    private volatile boolean closed;

    MemoryListener(MemoryTransport transport, String address, Transport.Handler handler) {
        this.transport = transport;
        this.address = address;
        this.handler = handler;
    }

    @Override
    public String address() {
        return address;
    }

    /** Counts a new call in, unless the listener no longer accepts. */
    boolean enter() {
        if (!accepting) {
            return false;
        }
        outstanding.incrementAndGet();
        if (!accepting) {
            // stopAccepting ran meanwhile and may already be waiting: this call never reaches the handler
            exit();
            return false;
        }
        return true;
    }

    /** Counts an answered (or abandoned) call out. */
    void exit() {
        if (outstanding.decrementAndGet() == 0 && !accepting) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    /** A stream counted in by {@link #enter()} was opened: it counts out when it is over. */
    void opened(MemoryStream server) {
        streams.add(server);
        server.onOver(() -> {
            streams.remove(server);
            exit();
        });
        if (closed) {
            server.breakWith(new TransportException("stream " + server.streamId() + ": listener closed", null, true));
        }
    }

    /** The stream idle timeout of the transport that listens. */
    Duration streamIdleTimeout() {
        return transport.streamIdleTimeout();
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void stopAccepting() {
        accepting = false;
    }

    @Override
    public boolean awaitConnectionsClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (drained) {
            long left;
            while (outstanding.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(drained, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return outstanding.get() == 0;
                }
            }
        }
        return outstanding.get() == 0;
    }

    /** Frees the address and breaks open streams; calls still unanswered fail when their handler replies, or time out. */
    @Override
    public void close() {
        accepting = false;
        closed = true;
        transport.forget(this);
        for (MemoryStream s : streams) {
            s.breakWith(new TransportException("stream " + s.streamId() + ": listener closed", null, true));
        }
        synchronized (drained) {
            drained.notifyAll();
        }
    }

    @Override
    public String toString() {
        return "memory listener " + address + " (" + outstanding.get() + " calls outstanding)";
    }
}
