package io.microcdi.annotation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Stereotype;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a class a MicroCDI service: an {@code @ApplicationScoped} CDI bean whose public methods are endpoints.
 *
 * <pre>{@code
 * @Service(name = "greeter")
 * public class Greeter {
 *     public HelloReply hello(HelloRequest req) { return new HelloReply("Hello " + req.name()); }
 * }
 * }</pre>
 *
 * <p>Each public method declared by the class (not inherited from {@code Object}) becomes endpoint
 * {@code <Class>.<Method>} with the method's first letter upper-cased, {@code Greeter.Hello} above; {@link Endpoint}
 * overrides the name. An endpoint method takes zero or one parameter (the request) and returns the response, a
 * {@code CompletionStage} of it, or {@code void}.
 */
@Stereotype
@ApplicationScoped
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Service {

    /** The service name registered in the registry; empty means the class's simple name in lower case. */
    String name() default "";

    /** The service version; empty means {@code micro.server.version} (default {@code latest}). */
    String version() default "";
}
