package io.microcdi.context;

import io.microcdi.metadata.Metadata;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

/**
 * Makes, attaches and hands on {@link CallContext}s. Servers and brokers attach one around each handler; code that
 * continues a call on other threads hands it on with {@link #wrap(Runnable)} or {@link #propagating(Executor)}.
 *
 * <pre>{@code
 * CallContext ctx = CallContexts.call("greeter", "Greeter.Hello", "gateway", "127.0.0.1:52114", deadline, metadata);
 * CallContext previous = CallContexts.attach(ctx);
 * try {
 *     handler.invoke(request);
 * } finally {
 *     CallContexts.restore(previous);   // nothing leaks into the next call on this thread
 * }
 *
 * Executor pool = CallContexts.propagating(myPool);   // each task runs in the context it was submitted from
 * }</pre>
 */
public final class CallContexts {

    private static final ThreadLocal<CallContext> CURRENT = new ThreadLocal<>();
    private static final CallContext NONE = new Inactive();
    private static final CallContext VIEW = new CurrentView();

    private CallContexts() {
    }

    /** The context the current thread handles, or an inactive one. */
    public static CallContext current() {
        CallContext c = CURRENT.get();
        return c != null ? c : NONE;
    }

    /**
     * A view of whatever context the current thread handles: every method reads {@link #current()}. One object serves
     * every thread (what {@code @Inject CallContext} gives); to keep a call's context, take {@link #current()}.
     */
    public static CallContext view() {
        return VIEW;
    }

    /**
     * The context of an inbound call.
     *
     * @param deadlineNanoTime {@link System#nanoTime()} at which the caller stops waiting, {@code 0} for none
     * @param metadata         the caller's headers without the protocol's own
     */
    public static CallContext call(String service, String endpoint, String callerService, String remoteAddress,
                                   long deadlineNanoTime, Metadata metadata) {
        return new Inbound(CallContext.Kind.CALL, service, endpoint, "", callerService, remoteAddress,
                deadlineNanoTime, metadata, metadata);
    }

    /**
     * The context of an inbound call whose handler starts with other metadata than what arrived (a telemetry's span
     * in place of the caller's): {@link CallContext#received()} is {@code received}, {@link CallContext#metadata()}
     * starts as {@code metadata}.
     */
    public static CallContext call(String service, String endpoint, String callerService, String remoteAddress,
                                   long deadlineNanoTime, Metadata received, Metadata metadata) {
        return new Inbound(CallContext.Kind.CALL, service, endpoint, "", callerService, remoteAddress,
                deadlineNanoTime, received, metadata);
    }

    /**
     * The context of a delivered message.
     *
     * @param service  the service of the process it was delivered to, or {@code ""}
     * @param endpoint the subscriber, {@code Class.method}
     */
    public static CallContext message(String topic, String service, String endpoint, String callerService,
                                      String remoteAddress, Metadata metadata) {
        return new Inbound(CallContext.Kind.MESSAGE, service, endpoint, topic, callerService, remoteAddress, 0,
                metadata, metadata);
    }

    /** As {@link #call(String, String, String, String, long, Metadata, Metadata)}, for a delivered message. */
    public static CallContext message(String topic, String service, String endpoint, String callerService,
                                      String remoteAddress, Metadata received, Metadata metadata) {
        return new Inbound(CallContext.Kind.MESSAGE, service, endpoint, topic, callerService, remoteAddress, 0,
                received, metadata);
    }

    /**
     * Makes {@code context} the current thread's (an inactive one: none); returns the one to {@link #restore}.
     * Allocates nothing.
     */
    public static CallContext attach(CallContext context) {
        CallContext previous = CURRENT.get();
        CallContext c = context == VIEW ? previous : context; // the view stands for what is attached already
        CURRENT.set(c != null && c.active() ? c : null);
        return previous;
    }

    /** Puts back what {@link #attach} returned. */
    public static void restore(CallContext previous) {
        CURRENT.set(previous);
    }

    /** {@code task} made to run in the current context, wherever it runs; {@code task} itself outside any call. */
    public static Runnable wrap(Runnable task) {
        CallContext c = CURRENT.get();
        if (c == null) {
            return task;
        }
        return () -> {
            CallContext previous = attach(c);
            try {
                task.run();
            } finally {
                restore(previous);
            }
        };
    }

    /** {@code task} made to run in the current context, wherever it runs; {@code task} itself outside any call. */
    public static <T> Callable<T> wrap(Callable<T> task) {
        CallContext c = CURRENT.get();
        if (c == null) {
            return task;
        }
        return () -> {
            CallContext previous = attach(c);
            try {
                return task.call();
            } finally {
                restore(previous);
            }
        };
    }

    /** An executor running each task in the context it was submitted from. */
    public static Executor propagating(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        return task -> executor.execute(wrap(task));
    }

    /** A context attached by a server or broker: fixed identity, metadata that interceptors may change. */
    private static final class Inbound implements CallContext {
        private final Kind kind;
        private final String service;
        private final String endpoint;
        private final String topic;
        private final String callerService;
        private final String remoteAddress;
        private final long deadline;
        private final Metadata received;
        private volatile Metadata metadata;

        Inbound(Kind kind, String service, String endpoint, String topic, String callerService, String remoteAddress,
                long deadline, Metadata received, Metadata metadata) {
            this.kind = kind;
            this.service = orEmpty(service);
            this.endpoint = orEmpty(endpoint);
            this.topic = orEmpty(topic);
            this.callerService = orEmpty(callerService);
            this.remoteAddress = orEmpty(remoteAddress);
            this.deadline = deadline;
            this.metadata = metadata == null ? Metadata.empty() : metadata;
            this.received = received == metadata ? this.metadata : received == null ? Metadata.empty() : received;
        }

        private static String orEmpty(String s) {
            return s == null ? "" : s;
        }

        @Override
        public Kind kind() {
            return kind;
        }

        @Override
        public String service() {
            return service;
        }

        @Override
        public String endpoint() {
            return endpoint;
        }

        @Override
        public String topic() {
            return topic;
        }

        @Override
        public String callerService() {
            return callerService;
        }

        @Override
        public String remoteAddress() {
            return remoteAddress;
        }

        @Override
        public long deadlineNanoTime() {
            return deadline;
        }

        @Override
        public Metadata metadata() {
            return metadata;
        }

        @Override
        public Metadata received() {
            return received;
        }

        @Override
        public synchronized void setMetadata(Metadata metadata) {
            this.metadata = Objects.requireNonNull(metadata, "metadata");
        }

        @Override
        public synchronized void putMetadata(String key, String value) {
            Objects.requireNonNull(key, "key");
            metadata = value == null ? metadata.without(key) : metadata.with(key, value);
        }

        @Override
        public String toString() {
            return kind == Kind.CALL
                    ? "call " + service + " " + endpoint + (callerService.isEmpty() ? "" : " from " + callerService)
                    : "message " + topic + " -> " + endpoint;
        }
    }

    /** What {@link #view()} gives: reads the current thread's context each time. */
    private static final class CurrentView implements CallContext {
        @Override
        public Kind kind() {
            return current().kind();
        }

        @Override
        public String service() {
            return current().service();
        }

        @Override
        public String endpoint() {
            return current().endpoint();
        }

        @Override
        public String topic() {
            return current().topic();
        }

        @Override
        public String callerService() {
            return current().callerService();
        }

        @Override
        public String remoteAddress() {
            return current().remoteAddress();
        }

        @Override
        public long deadlineNanoTime() {
            return current().deadlineNanoTime();
        }

        @Override
        public Metadata metadata() {
            return current().metadata();
        }

        @Override
        public Metadata received() {
            return current().received();
        }

        @Override
        public void setMetadata(Metadata metadata) {
            current().setMetadata(metadata);
        }

        @Override
        public void putMetadata(String key, String value) {
            current().putMetadata(key, value);
        }

        @Override
        public String toString() {
            return "current " + current();
        }
    }

    /** Outside any call. */
    private static final class Inactive implements CallContext {
        @Override
        public Kind kind() {
            return Kind.NONE;
        }

        @Override
        public String service() {
            return "";
        }

        @Override
        public String endpoint() {
            return "";
        }

        @Override
        public String topic() {
            return "";
        }

        @Override
        public String callerService() {
            return "";
        }

        @Override
        public String remoteAddress() {
            return "";
        }

        @Override
        public long deadlineNanoTime() {
            return 0;
        }

        @Override
        public Metadata metadata() {
            return Metadata.empty();
        }

        @Override
        public Metadata received() {
            return Metadata.empty();
        }

        @Override
        public void setMetadata(Metadata metadata) {
            throw outside();
        }

        @Override
        public void putMetadata(String key, String value) {
            throw outside();
        }

        private static IllegalStateException outside() {
            return new IllegalStateException("no call or message is being handled on this thread (thread "
                    + Thread.currentThread().getName() + "); metadata changes only inside one");
        }

        @Override
        public String toString() {
            return "no call";
        }
    }
}
