package io.microcdi.transport.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Watches the bytes of an HTTP/1.1 connection before the decoder sees them: what is held for a request not read
 * whole yet is charged to the server-wide {@link PendingBytes}, and a head that is not complete within
 * {@code micro.transport.http.head-timeout} is given up.
 *
 * <pre>{@code
 * p.addLast("guard", new RequestGuard(listener));   // before the protocol selector, so before the HTTP decoder
 * guard.headRead();      // ServerConnection: the head is complete
 * guard.requestRead();   // ServerConnection: the whole request is, nothing is held any more
 * }</pre>
 *
 * <p>Loop only. The accounting runs once per read, at {@code channelReadComplete}: by then the decoder and the
 * {@link ServerConnection} have taken what the read brought, so a call that arrives in one read leaves nothing
 * pending and costs neither an atomic operation nor a timer. Bytes after a complete request in the same read are not
 * counted until the next read: the error is at most one read, which Netty bounds.
 */
final class RequestGuard extends ChannelInboundHandlerAdapter implements Runnable {

    private final PendingBytes budget;
    private final long headTimeoutNanos;
    private ChannelHandlerContext ctx;
    /** The HTTP/1.1 side of the connection, once the protocol is known; {@code null} before. */
    private Owner owner;
    /** Bytes read since the last request was complete. */
    private long pending;
    /** The part of {@link #pending} taken from the budget. */
    private long charged;
    /** The head of the request being read is complete: no deadline until the next one. */
    private boolean headRead;
    /** A stream message is being read, or the connection is done reading: no deadline. */
    private boolean noDeadline;
    private boolean stopped;
    private ScheduledFuture<?> deadline;

    RequestGuard(PendingBytes budget, long headTimeoutNanos) {
        this.budget = budget;
        this.headTimeoutNanos = headTimeoutNanos;
    }

    /** What the guard tells when a limit is hit. */
    interface Owner {

        /** The budget is spent: the request being read cannot be held. */
        void overBudget(long budget);

        /** The head of the request being read did not complete in time. */
        void headTimeout(long nanos);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    void owner(Owner owner) {
        this.owner = owner;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!stopped && msg instanceof ByteBuf b) {
            pending += b.readableBytes();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        account();
        ctx.fireChannelReadComplete();
    }

    private void account() {
        if (stopped || pending == 0) {
            return;
        }
        long more = pending - charged;
        if (more > 0) {
            if (!budget.tryCharge(more)) {
                Owner o = owner;
                stop();
                if (o != null) {
                    o.overBudget(budget.max());
                } else {
                    ctx.close();
                }
                return;
            }
            charged = pending;
        }
        if (!headRead && !noDeadline && deadline == null) {
            deadline = ctx.executor().schedule(this, headTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The head deadline passed. */
    @Override
    public void run() {
        deadline = null;
        if (stopped || headRead || noDeadline || pending == 0) {
            return;
        }
        Owner o = owner;
        stop();
        if (o != null) {
            o.headTimeout(headTimeoutNanos);
        } else {
            ctx.close(); // not even the protocol is known yet: nothing to answer
        }
    }

    /** The head of the current request is complete. */
    void headRead() {
        headRead = true;
        cancelDeadline();
    }

    /** The current request is complete: nothing is held for it any more. */
    void requestRead() {
        pending = 0;
        headRead = false;
        if (charged > 0) {
            budget.release(charged);
            charged = 0;
        }
        cancelDeadline();
    }

    /** The connection carries a stream now: its messages have the stream's own idle timeout, not the head's. */
    void streaming() {
        noDeadline = true;
        cancelDeadline();
    }

    /** No more accounting (the connection reads nothing more, or speaks HTTP/2): gives back what it held. */
    void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        budget.release(charged);
        charged = 0;
        pending = 0;
        cancelDeadline();
    }

    private void cancelDeadline() {
        ScheduledFuture<?> d = deadline;
        if (d != null) {
            deadline = null;
            d.cancel(false);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }
}
