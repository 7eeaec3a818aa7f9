package io.microcdi.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that an endpoint never blocks, so the server runs it on the I/O thread that read the request, without
 * handing it to a handler thread: a call saves the hand-off and its thread wake-ups, most of what a short call costs
 * ({@code CallPathBench.serverOnlyNonBlocking} against {@code serverOnly}).
 *
 * <pre>{@code
 * @NonBlocking
 * public HelloReply helloNow(HelloRequest req) { return new HelloReply("Hello " + req.name()); }
 * }</pre>
 *
 * <p>On a method, it applies to that endpoint; on a service class, to each of its endpoints that says nothing itself.
 * An endpoint returning a {@code CompletionStage} (or {@code CompletableFuture}) is non-blocking without it: it
 * returns at once and answers when its stage completes; {@link Blocking} sends such a method to a handler thread
 * when it does block before returning its stage. SmallRye's {@code io.smallrye.common.annotation.NonBlocking} and
 * {@code Blocking} are read the same way, by name. The choice is made once, when the service is defined; streaming
 * endpoints ignore it and are served as before.
 *
 * <p>The rule: such a method, and the interceptors around it, compute and return; they never wait, not on I/O, a
 * lock held for long, {@code Thread.sleep}, nor on the {@code join()} of another call (a synchronous
 * {@code @MicroClient} call included). A method that blocks anyway stalls every connection of its I/O thread, and a
 * call from it that waits for an answer on the same thread never gets one. The annotation is a promise the server
 * cannot check.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface NonBlocking {
}
