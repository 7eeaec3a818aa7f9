package io.microcdi.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a method of a CDI bean a subscriber: it receives the messages published to {@code topic}.
 *
 * <pre>{@code
 * @ApplicationScoped
 * class Audit {
 *     @Subscribe(topic = "orders", queue = "audit")
 *     void onOrder(OrderPlaced order, Metadata metadata) { ... }
 * }
 * }</pre>
 *
 * <p>The first parameter is the payload, decoded by the codec of the message's {@code Content-Type}; an optional
 * second parameter of type {@link io.microcdi.metadata.Metadata} receives the message headers. The method returns
 * {@code void} or {@code CompletionStage<Void>}; throwing (or a failed stage) reports a failed delivery. With a
 * {@link #queue()} each message goes to one member of the group (every instance of the service subscribing with the
 * same queue name); without, every subscriber receives every message. Subscribers run on a worker pool, never on an
 * I/O thread. A bad signature stops the start and names the method.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Subscribe {

    /** The topic. */
    String topic();

    /** The queue group, or {@code ""} to receive every message (broadcast). */
    String queue() default "";
}
