package io.microcdi.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names an endpoint explicitly, on a service method or a client interface method, or names the handler on a type.
 *
 * <pre>{@code
 * @Endpoint("Greeter.Hello") HelloReply greet(HelloRequest req);   // on a method: the full endpoint name
 * @Endpoint("Greeter") interface Hello { ... }                        // on a type: the handler part only
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Endpoint {

    /** On a method, {@code Handler.Method}; on a type, the handler name. */
    String value();
}
