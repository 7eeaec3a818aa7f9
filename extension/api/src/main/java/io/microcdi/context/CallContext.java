package io.microcdi.context;

import io.microcdi.metadata.Metadata;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The inbound call or message the current thread is handling: what was called, by whom, until when, and its
 * metadata. Interceptors and handlers read it and may change its metadata; every call made and message published
 * while handling it carries that metadata on, the caller's name as {@code Micro-From-Service} and what is left of the
 * deadline.
 *
 * <pre>{@code
 * @Inject CallContext call;                       // a view of whatever call the current thread handles
 *
 * String tenant = call.metadata().get("X-Tenant"); // keys are case-insensitive
 * call.putMetadata("X-Checked-By", "gateway");     // sent on with the calls this handler makes
 *
 * CallContext mine = CallContext.current();        // this call's own context: safe to keep and pass to other threads
 * executor.execute(CallContexts.wrap(() -> work()));  // runs work() in the current call's context
 * }</pre>
 *
 * <p>Outside any call, {@link #current()} is an inactive context: no service, no deadline, empty metadata, and its
 * metadata cannot change. Strings that do not apply are {@code ""}, never {@code null}.
 */
public interface CallContext {

    /** What is being handled. */
    enum Kind {
        /** No call: the thread handles nothing. */
        NONE,
        /** A request to an endpoint. */
        CALL,
        /** A message delivered to a subscriber. */
        MESSAGE
    }

    /**
     * The context of the call the current thread handles (its own object, not a view: safe to keep and to hand to
     * another thread), or an inactive context.
     */
    static CallContext current() {
        return CallContexts.current();
    }

    /** What is being handled. */
    Kind kind();

    /** Whether a call or message is being handled. */
    default boolean active() {
        return kind() != Kind.NONE;
    }

    /** The service called ({@code greeter}); for a message, the service of the process it was delivered to, or {@code ""}. */
    String service();

    /** The endpoint called ({@code Greeter.Hello}); for a message, the subscriber ({@code Audit.onOrder}). */
    String endpoint();

    /** The topic of a message; {@code ""} for a call. */
    String topic();

    /** The calling service ({@code Micro-From-Service}), or {@code ""} when the caller is not a service. */
    String callerService();

    /** The caller's address ({@code host:port}), or {@code ""} when the transport does not tell. */
    String remoteAddress();

    /**
     * When the caller stops waiting, as a {@link System#nanoTime()} value; {@code 0} when there is no deadline. Calls
     * made while handling this one are sent with what is left of it, when that is shorter than their own timeout.
     */
    long deadlineNanoTime();

    /** The deadline, if the caller sent one. */
    default Optional<Instant> deadline() {
        return remaining().map(left -> Instant.now().plus(left));
    }

    /** The time left until the deadline (negative once it passed), if the caller sent one. */
    default Optional<Duration> remaining() {
        long d = deadlineNanoTime();
        return d == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(d - System.nanoTime()));
    }

    /**
     * The metadata: the caller's headers without the protocol's own ({@code Content-Type}, {@code Timeout},
     * {@code Micro-*}, ...), with what interceptors set since. Calls and messages sent while handling carry it.
     */
    Metadata metadata();

    /**
     * The metadata as the caller sent it, before any interceptor changed it: what an access log or a tracer wants
     * (the {@code traceparent} the caller sent, say). Not what travels on: that is {@link #metadata()}.
     */
    Metadata received();

    /**
     * Replaces the metadata sent on with calls and messages from now on.
     *
     * @throws IllegalStateException outside a call
     */
    void setMetadata(Metadata metadata);

    /**
     * Sets one metadata entry ({@code value} {@code null}: removes it).
     *
     * @throws IllegalStateException outside a call
     */
    void putMetadata(String key, String value);
}
