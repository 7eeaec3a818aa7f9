package io.microcdi.wrappers;

import jakarta.enterprise.util.AnnotationLiteral;
import jakarta.interceptor.InterceptorBinding;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Logs one line per call served, message handled or client call made: {@link LoggingInterceptor}.
 *
 * <pre>{@code
 * @Service @Logged
 * public class Greeter { ... }      // greeter Greeter.Hello from frontend (127.0.0.1:51234) ok 1.2 ms
 *
 * @Logged
 * public interface GreeterApi { ... }  // on a @MicroClient interface: call GreeterApi.hello ok 2.1 ms
 * }</pre>
 *
 * <p>{@code micro.server.wrappers=logging} and {@code micro.client.wrappers=logging} add it everywhere.
 */
@InterceptorBinding
@Inherited
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Logged {

    /** An instance of the binding, to add it programmatically. */
    final class Literal extends AnnotationLiteral<Logged> implements Logged {
        private static final long serialVersionUID = 1L;

        /** {@code @Logged}. */
        public static final Literal INSTANCE = new Literal();

        private Literal() {
        }
    }
}
