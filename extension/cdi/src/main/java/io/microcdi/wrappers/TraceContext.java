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
 * Continues the W3C trace of each call served or message handled, as a new span:
 * {@link TraceContextInterceptor}. Calls made while handling carry the span on as their parent.
 *
 * <pre>{@code
 * @Service @TraceContext
 * public class Greeter {
 *     public HelloReply hello(HelloRequest request) {
 *         TraceParent span = TraceParent.current().orElseThrow();   // this handler's span
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>{@code micro.server.wrappers=trace} adds it everywhere. On a {@code @MicroClient} interface it does nothing: the
 * client side is {@link TraceContextWrapper}.
 */
@InterceptorBinding
@Inherited
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface TraceContext {

    /** An instance of the binding, to add it programmatically. */
    final class Literal extends AnnotationLiteral<TraceContext> implements TraceContext {
        private static final long serialVersionUID = 1L;

        /** {@code @TraceContext}. */
        public static final Literal INSTANCE = new Literal();

        private Literal() {
        }
    }
}
