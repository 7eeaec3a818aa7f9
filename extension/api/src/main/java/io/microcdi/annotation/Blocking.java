package io.microcdi.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that an endpoint may block, so the server runs it on a handler thread (a virtual thread on JDK 21+), never
 * on an I/O thread: what every endpoint gets by default except one returning a {@code CompletionStage}, which is
 * taken as {@link NonBlocking}.
 *
 * <pre>{@code
 * @Blocking   // reads the database before it hands back its stage
 * public CompletionStage<Order> find(OrderId id) { return CompletableFuture.completedFuture(orders.read(id)); }
 * }</pre>
 *
 * <p>On a method, it applies to that endpoint; on a service class, to each of its endpoints that says nothing itself.
 * A method carrying both {@code @Blocking} and {@code @NonBlocking} fails the service's definition.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Blocking {
}
